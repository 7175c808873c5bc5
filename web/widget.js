/*
 * Citidrips chat widget: a small, dependency-free chat window for the clinic's Rasa
 * FAQ assistant (REST channel).
 *
 * Embed with one tag (docs/widget.md has the snippet for the clinic's site, with the
 * CSP and WEB_ORIGINS it needs); the widget loads widget.css from next to itself, or
 * from data-css-url:
 *   <script src="https://chat.clinic.example/widget.js" data-bot-url="https://chat.clinic.example"
 *           data-clinic-name="Citidrips" data-primary-color="#0b6e69" defer></script>
 *
 * Bot URL: a `?bot=` parameter on the page URL (only on pages served from this machine,
 * for development and tests), else data-bot-url, else the page's host on port 5005
 * (a page on the clinic's domain without data-bot-url logs a console error naming the fix).
 *
 * Safety and privacy facts (emergency number, privacy notice, retention, the clinic's
 * phone) come from the bot's GET /webhooks/rest/clinic when the panel first opens. Until
 * it answers, or if it cannot, the widget uses these optional attributes, else generic
 * wording:
 *   data-emergency-number="112" data-privacy-notice-url="https://…" data-retention-days="30"
 *   data-clinic-phone="+44 …" data-contact-url="https://clinic.example/contact"
 * Never put a guessed number here: a wrong emergency number is worse than none.
 *
 * Under each answer from the article: 👍 / 👎 (toggle buttons, aria-pressed). One vote per
 * answer, which the patient may change (the server keeps the latest); 👎 then asks,
 * optionally, what was missing. They go to POST /webhooks/rest/feedback with the passage
 * ids the answer came with (its `custom.passages`).
 *
 * The footer says when a clinician last reviewed the guide ("Medically reviewed on …",
 * from /clinic's `reviewed_on`); while the clinic has not given that date it says nothing.
 *
 * Every message carries a message_id (a UUID). When a message fails, the patient can
 * retry it: the retry sends the same message_id, which the bot answers at most once.
 *
 * Safety rule of this file: text from the bot or the user never goes through innerHTML.
 * Every node is built with createElement/textContent, so markup in an answer shows as
 * literal text.
 */
(() => {
  "use strict";

  const SCRIPT = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const STORAGE_PREFIX = "citidrips-chat:";
  // What the widget's console messages for whoever embeds it start with.
  const LOG_PREFIX = "Citidrips chat widget:";
  const REQUEST_TIMEOUT_MS = 15000;
  // After this long without an answer the typing indicator says "Still working…".
  const SLOW_ANSWER_MS = 4000;
  // The channel's limit (BOT_MAX_MESSAGE_CHARS); the counter shows from NEAR_LIMIT on.
  const MAX_MESSAGE_LENGTH = 2000;
  const NEAR_LIMIT = 1800;
  // Enough history for a long visit without filling sessionStorage.
  const MAX_STORED_ENTRIES = 200;
  const DEFAULT_BOT_PORT = "5005";
  const DEFAULT_PRIMARY = "#0b6e69";
  // Where widget.css makes the panel full screen (phones, landscape phones, 200 % and
  // 400 % zoom); keep the two in step. There the panel is modal and the page inert, and
  // the launcher is a small round button that tucks away while the page scrolls down.
  const FULL_SCREEN_QUERY = "(max-width: 480px), (max-height: 500px)";
  const SCROLL_SAVE_DELAY_MS = 150;
  const UUID_PATTERN = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
  // The bot appends its disclaimer as the last paragraph; this phrase is always in it.
  const DISCLAIMER_MARKER = "not medical advice";
  const CLINIC_TIMEOUT_MS = 10000;
  // A setting longer than this is not a phone number or an address: shorten it.
  const MAX_SETTING_LENGTH = 300;
  // The widget's own texts; each ends with where to get urgent help (emergencySentence).
  // A failed message keeps its text and gets a Retry button; the text says so, then how to
  // reach the clinic (contactDetails) and where urgent help is.
  const UNREACHABLE_TEXT =
    "Sorry, I can't reach the assistant right now. Your message was not answered: " +
    "press Retry to send it again in a moment, or contact the clinic directly";
  const TOO_MANY_TEXT =
    "You're sending messages faster than I can answer. Please wait a moment and try again " +
    "with Retry.";
  const SLOW_TEXT = "Still working on your answer\u2026";
  const NO_ANSWER_TEXT =
    "Sorry, I don't have an answer for that right now. Please try rephrasing your " +
    "question or contact the clinic directly.";
  // Feedback on an answer; the comment's limit is the server's (channels/rest.py).
  const MAX_COMMENT_LENGTH = 500;
  const MAX_PASSAGES = 20;
  const FEEDBACK_THANKS = "Thank you for your feedback.";
  const FEEDBACK_COMMENT_THANKS = "Thank you: the clinic reads what was missing to improve its guide.";
  const FEEDBACK_FAILED_TEXT = "Sorry, your feedback could not be sent. Please try again in a moment.";
  const ISO_DATE = /^\d{4}-\d{2}-\d{2}$/;
  const DELETED_TEXT = "Conversation deleted. Anything you type now starts a new conversation.";
  const DELETE_FAILED_TEXT =
    "Sorry, the conversation could not be deleted right now. It is still here: " +
    "please try again in a moment.";
  // How the widget shows the channel's safety replies (REST `custom.kind`). A Map, so a
  // stored kind such as "constructor" finds nothing.
  const SAFETY_KINDS = new Map([
    ["urgent", { heading: "Urgent: get help now", icon: "!" }],
    ["crisis", { heading: "You are not alone", icon: "\u2665" }],
  ]);
  // A phone number in a safety text: 3+ digits, optionally with +, spaces and dashes
  // ("112", "999", "+44 20 7946 0000"). Placeholders have no digits and stay text.
  const PHONE_PATTERN = /(?<![\w+-])\+?\d(?:[ -]?\d){2,}(?![\w-])/g;
  // Only plain http(s) addresses become links; trailing sentence punctuation stays text.
  const URL_PATTERN = /\bhttps?:\/\/[^\s<>"'()[\]{}]+/gi;
  const TRAILING_PUNCTUATION = /[.,;:!?]+$/;
  // Paragraphs are separated by a blank line; a line starting "- " is a list item.
  const PARAGRAPH_BREAK = /\n[ \t]*\n/;
  const BULLET = /^\s*- /;

  /** The server's rate limit answered 429: the patient should wait, not worry. */
  class TooManyMessages extends Error {}

  // ---------------------------------------------------------------- configuration

  function readConfig() {
    const data = (SCRIPT && SCRIPT.dataset) || {};
    const clinicName = (data.clinicName || "Citidrips").trim();
    const botUrl = resolveBotUrl(data.botUrl);
    checkEmbedding(data, botUrl);
    return {
      botUrl,
      clinicName,
      // Fallbacks until (or unless) the bot's /clinic answers.
      safety: {
        emergencyNumber: settingText(data.emergencyNumber),
        privacyNoticeUrl: settingText(data.privacyNoticeUrl),
        retentionDays: settingDays(data.retentionDays),
        clinicPhone: settingText(data.clinicPhone),
      },
      contactUrl: httpUrl(settingText(data.contactUrl)),
      primaryColor: parseHexColor(data.primaryColor) || parseHexColor(DEFAULT_PRIMARY),
      styleUrl: styleUrl(data.cssUrl),
    };
  }

  /** data-css-url if it is an http(s) address (absolute or relative), else next to widget.js. */
  function styleUrl(cssUrl) {
    if (cssUrl) {
      try {
        const url = new URL(cssUrl, document.baseURI);
        if (url.protocol === "http:" || url.protocol === "https:") return url.href;
      } catch (error) {
        /* not a URL: fall through */
      }
      console.error(
        `${LOG_PREFIX} data-css-url="${cssUrl}" is not an http(s) address; using widget.css ` +
          "next to widget.js."
      );
    }
    return SCRIPT && SCRIPT.src ? new URL("widget.css", SCRIPT.src).href : "widget.css";
  }

  /**
   * Mistakes in the snippet that would leave patients with "can't reach the assistant"
   * and nothing else: say what to fix, in the console of whoever embeds the widget.
   */
  function checkEmbedding(data, botUrl) {
    if (!isLoopbackPage() && !httpUrl(data.botUrl)) {
      console.error(
        `${LOG_PREFIX} data-bot-url is missing or not an http(s) address on the <script> tag ` +
          `that loads widget.js. Add data-bot-url="https://<the bot's address>" (see ` +
          `docs/widget.md); meanwhile the widget tries ${botUrl}, which is a guess.`
      );
    }
    if (window.location.protocol === "https:" && botUrl.startsWith("http:")) {
      console.error(
        `${LOG_PREFIX} this page is https but the bot (${botUrl}) is plain http: browsers ` +
          "block that (mixed content). Serve the bot over https and use its https address " +
          "in data-bot-url."
      );
    }
  }

  function resolveBotUrl(dataBotUrl) {
    // Anyone can send a link with ?bot=..., which would make the clinic's page talk to
    // (and display the texts of) a server of their choosing. Only honour it where that
    // cannot hurt a patient: pages served from this machine.
    const fromQuery = isLoopbackPage() ? new URLSearchParams(window.location.search).get("bot") : null;
    return httpUrl(fromQuery) || httpUrl(dataBotUrl) || defaultBotUrl();
  }

  function isLoopbackPage() {
    return ["localhost", "127.0.0.1", "[::1]"].includes(window.location.hostname);
  }

  function defaultBotUrl() {
    const protocol = window.location.protocol === "https:" ? "https:" : "http:";
    const host = window.location.hostname || "localhost";
    return `${protocol}//${host}:${DEFAULT_BOT_PORT}`;
  }

  /** The URL without a trailing slash if it is an absolute http(s) URL, else null. */
  function httpUrl(value) {
    if (!value) return null;
    try {
      const url = new URL(value);
      if (url.protocol !== "http:" && url.protocol !== "https:") return null;
      return url.href.replace(/\/+$/, "");
    } catch (error) {
      return null;
    }
  }

  /** A non-empty, trimmed, bounded string, else null. Shown as given, never as markup. */
  function settingText(value) {
    if (typeof value !== "string") return null;
    const text = value.trim();
    return text ? text.slice(0, MAX_SETTING_LENGTH) : null;
  }

  /** A whole number of days (1 to 100 years), else null. */
  function settingDays(value) {
    const text = typeof value === "number" ? String(value) : typeof value === "string" ? value.trim() : "";
    if (!/^\d{1,5}$/.test(text)) return null;
    const days = Number(text);
    return days >= 1 && days <= 36500 ? days : null;
  }

  function parseHexColor(value) {
    const match = /^#([0-9a-f]{3}|[0-9a-f]{6})$/i.exec((value || "").trim());
    if (!match) return null;
    const hex = match[1].length === 3 ? match[1].replace(/./g, "$&$&") : match[1];
    return "#" + hex.toLowerCase();
  }

  /** White or near-black, whichever reads better on the given background (WCAG contrast). */
  function textColorOn(hexColor) {
    const channel = (offset) => {
      const value = parseInt(hexColor.slice(offset, offset + 2), 16) / 255;
      return value <= 0.03928 ? value / 12.92 : Math.pow((value + 0.055) / 1.055, 2.4);
    };
    const luminance = 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
    const contrastWithWhite = 1.05 / (luminance + 0.05);
    const contrastWithDark = (luminance + 0.05) / 0.0615; // #1a1a1a has luminance ~0.0115
    return contrastWithWhite >= contrastWithDark ? "#ffffff" : "#1a1a1a";
  }

  // ---------------------------------------------------------------- storage

  // sessionStorage keeps the conversation for this tab only (reloads included) and is
  // gone when the tab closes. It can be disabled or full: the chat then still works,
  // just without history.
  const storage = {
    get(key, fallback) {
      try {
        const raw = window.sessionStorage.getItem(STORAGE_PREFIX + key);
        return raw === null ? fallback : JSON.parse(raw);
      } catch (error) {
        return fallback;
      }
    },
    set(key, value) {
      try {
        window.sessionStorage.setItem(STORAGE_PREFIX + key, JSON.stringify(value));
      } catch (error) {
        /* history is a convenience, never a reason to fail */
      }
    },
    remove(key) {
      try {
        window.sessionStorage.removeItem(STORAGE_PREFIX + key);
      } catch (error) {
        /* nothing stored, nothing to remove */
      }
    },
  };

  function senderId() {
    let id = storage.get("sender", null);
    if (typeof id !== "string" || !id) {
      id = newUuid();
      storage.set("sender", id);
    }
    return id;
  }

  function newUuid() {
    if (window.crypto && typeof window.crypto.randomUUID === "function") {
      return window.crypto.randomUUID();
    }
    // randomUUID exists only in secure contexts (https, localhost); getRandomValues
    // exists everywhere, so build a version 4 UUID from it on plain-http sites.
    const bytes = window.crypto.getRandomValues(new Uint8Array(16));
    bytes[6] = (bytes[6] & 0x0f) | 0x40;
    bytes[8] = (bytes[8] & 0x3f) | 0x80;
    const hex = Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
    return [hex.slice(0, 8), hex.slice(8, 12), hex.slice(12, 16), hex.slice(16, 20), hex.slice(20)].join("-");
  }

  /**
   * Stored entries, dropping anything that is not what this file wrote. A message whose
   * answer never came (the page was left while it was on its way) is shown as failed,
   * with Retry: its message_id lets the bot answer it without taking it twice.
   */
  function loadEntries() {
    const entries = storage.get("log", []);
    if (!Array.isArray(entries)) return [];
    return entries
      .filter((entry) => entry && ["user", "bot", "notice"].includes(entry.from) && typeof entry.text === "string")
      .map((entry) => (entry.from === "user" ? checkedUserEntry(entry) : checkedReply(entry)));
  }

  /** A stored answer keeps its passages and vote only when they have the shape sent. */
  function checkedReply(entry) {
    const checked = { ...entry };
    const passages = passageIds(entry.passages);
    if (passages.length) checked.passages = passages;
    else delete checked.passages;
    if (!["up", "down"].includes(entry.vote)) delete checked.vote;
    if (entry.feedbackClosed !== true) delete checked.feedbackClosed;
    return checked;
  }

  /** The passage ids an answer came with (REST `custom.passages`), else none. */
  function passageIds(value) {
    if (!Array.isArray(value) || value.length > MAX_PASSAGES) return [];
    return value.filter((id) => typeof id === "string" && /^[a-z0-9_]+\.[a-z0-9_]+$/.test(id));
  }

  function checkedUserEntry(entry) {
    const checked = { from: "user", text: entry.text };
    checked.id = typeof entry.id === "string" && UUID_PATTERN.test(entry.id) ? entry.id : newUuid();
    if (typeof entry.message === "string" && entry.message) checked.message = entry.message;
    if (entry.payload === true) checked.payload = true;
    if (entry.state === "sending" || entry.state === "failed") {
      checked.state = "failed";
      checked.failure = entry.failure === "busy" ? "busy" : "unreachable";
    }
    return checked;
  }

  // ---------------------------------------------------------------- DOM helpers

  /** createElement with attributes; `text` sets textContent, children may be strings. */
  function el(tag, attributes = {}, children = []) {
    const node = document.createElement(tag);
    for (const [name, value] of Object.entries(attributes)) {
      if (name === "text") node.textContent = value;
      else if (name === "className") node.className = value;
      else node.setAttribute(name, value);
    }
    node.append(...children); // strings become text nodes, never markup
    return node;
  }

  function visuallyHidden(text) {
    return el("span", { className: "cdw-sr-only", text });
  }

  function svgIcon(pathData, className = "") {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
    if (className) svg.setAttribute("class", className);
    svg.setAttribute("viewBox", "0 0 24 24");
    svg.setAttribute("aria-hidden", "true");
    svg.setAttribute("focusable", "false");
    const path = document.createElementNS(ns, "path");
    path.setAttribute("d", pathData);
    svg.append(path);
    return svg;
  }

  const ICON_CHAT = "M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4H4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z";
  const ICON_CLOSE = "M6.4 5 12 10.6 17.6 5 19 6.4 13.4 12 19 17.6 17.6 19 12 13.4 6.4 19 5 17.6 10.6 12 5 6.4z";
  const ICON_DELETE = "M9 3h6l1 2h4v2H4V5h4l1-2zM6 9h12l-1 11a2 2 0 0 1-2 2H9a2 2 0 0 1-2-2L6 9z";
  const ICON_RETRY =
    "M17.65 6.35A7.96 7.96 0 0 0 12 4a8 8 0 1 0 7.75 10h-2.08A6 6 0 1 1 12 6c1.66 0 3.14.69 " +
    "4.22 1.78L13 11h7V4l-2.35 2.35z";

  // 👍 / 👎 drawn, not typed: a device without an emoji font would show empty boxes.
  const ICON_UP =
    "M1 21h4V9H1v12zm22-11c0-1.1-.9-2-2-2h-6.31l.95-4.57.03-.32c0-.41-.17-.79-.44-1.06L14.17 " +
    "1 7.59 7.59C7.22 7.95 7 8.45 7 9v10c0 1.1.9 2 2 2h9c.83 0 1.54-.5 1.84-1.22l3.02-7.05c.09" +
    "-.23.14-.47.14-.73v-2z";
  const ICON_DOWN =
    "M15 3H6c-.83 0-1.54.5-1.84 1.22l-3.02 7.05c-.09.23-.14.47-.14.73v2c0 1.1.9 2 2 2h6.31l-.95 " +
    "4.57-.03.32c0 .41.17.79.44 1.06L9.83 23l6.59-6.59c.36-.36.58-.86.58-1.41V5c0-1.1-.9-2-2-2z" +
    "m4 0v12h4V3h-4z";

  // ---------------------------------------------------------------- rendering bot text

  /** A single paragraph carrying the disclaimer phrase. */
  function isDisclaimer(text) {
    return !PARAGRAPH_BREAK.test(text) && text.toLowerCase().includes(DISCLAIMER_MARKER);
  }

  /**
   * Text with http(s) URLs turned into safe links that open in a new tab and, when
   * `phones` is set, phone numbers into tel: links.
   */
  function linkify(text, phones = false) {
    const nodes = [];
    let consumed = 0;
    const plain = (part) => (phones ? phoneLinks(part) : [part]);
    for (const match of text.matchAll(URL_PATTERN)) {
      const url = match[0].replace(TRAILING_PUNCTUATION, "");
      const href = httpUrl(url);
      if (!href) continue;
      nodes.push(...plain(text.slice(consumed, match.index)));
      nodes.push(externalLink(new URL(url).href, url));
      consumed = match.index + url.length;
    }
    nodes.push(...plain(text.slice(consumed)));
    return nodes;
  }

  function externalLink(href, text) {
    return el("a", { href, target: "_blank", rel: "noopener noreferrer" }, [
      text,
      visuallyHidden(" (opens in a new tab)"),
    ]);
  }

  /** Text with every phone number a tel: link (one tap to call on a phone). */
  function phoneLinks(text) {
    const nodes = [];
    let consumed = 0;
    for (const match of text.matchAll(PHONE_PATTERN)) {
      nodes.push(text.slice(consumed, match.index));
      const number = match[0];
      nodes.push(el("a", { className: "cdw-tel", href: `tel:${number.replace(/[ -]/g, "")}`, text: number }));
      consumed = match.index + number.length;
    }
    nodes.push(text.slice(consumed));
    return nodes;
  }

  /** One paragraph: runs of "- " lines become a list, other lines a <p> with line breaks. */
  function renderParagraph(paragraph, phones = false) {
    const blocks = [];
    let list = null;
    let textBlock = null;
    for (const line of paragraph.split("\n")) {
      if (BULLET.test(line)) {
        textBlock = null;
        list = list || blocks[blocks.push(el("ul")) - 1];
        list.append(el("li", {}, linkify(line.replace(BULLET, ""), phones)));
      } else if (line.trim()) {
        list = null;
        if (textBlock) textBlock.append(el("br"));
        textBlock = textBlock || blocks[blocks.push(el("p")) - 1];
        textBlock.append(...linkify(line, phones));
      }
    }
    return blocks;
  }

  /** The bot's text as an answer element plus, if it ends with one, a disclaimer element. */
  function renderBotText(text, phones = false) {
    const paragraphs = text.split(PARAGRAPH_BREAK).map((p) => p.trim()).filter(Boolean);
    const last = paragraphs[paragraphs.length - 1] || "";
    const disclaimer = isDisclaimer(last) ? paragraphs.pop() : null;
    const nodes = [];
    if (paragraphs.length) {
      const blocks = paragraphs.flatMap((paragraph) => renderParagraph(paragraph, phones));
      nodes.push(el("div", { className: "cdw-text" }, blocks));
    }
    if (disclaimer) {
      nodes.push(
        el("p", { className: "cdw-disclaimer" }, [
          el("span", { className: "cdw-disclaimer-label" }, [
            el("span", { className: "cdw-disclaimer-icon", "aria-hidden": "true", text: "i" }),
            "Please note:",
          ]),
          " ",
          ...linkify(disclaimer),
        ])
      );
    }
    return nodes;
  }

  // ---------------------------------------------------------------- the widget

  function createWidget(config) {
    let sender = senderId();
    const webhookUrl = `${config.botUrl}/webhooks/rest/webhook`;
    const clinicUrl = `${config.botUrl}/webhooks/rest/clinic`;
    const forgetUrl = `${config.botUrl}/webhooks/rest/forget`;
    const feedbackUrl = `${config.botUrl}/webhooks/rest/feedback`;
    // What the intro and the widget's own notices say: the script tag's attributes, then
    // what the bot's /clinic said earlier in this tab (so the next page shows the same
    // intro at once), then its fresh answer (fetched once per page, on first opening).
    const safety = { ...config.safety };
    applyClinicFacts(storage.get("clinic", null));
    let clinicRequested = false;
    let deleting = false;
    let blockedReported = false;
    let entries = loadEntries();
    // The node of each entry shown (a user entry's node also holds its failure notice).
    const nodes = new Map();
    // Requests go out one after the other so answers arrive in the order asked.
    let queue = Promise.resolve();
    // The panel's scroll position is saved as the patient scrolls and restored on the
    // next page of the site, once the stylesheet has laid the panel out (scrollReady).
    let scrollReady = false;
    let scrollSaveTimer = 0;
    // An answer that arrived while the panel was closed: shown from its top on opening.
    let pendingReveal = null;
    let slowTimer = 0;
    // What the full-screen (modal) panel changed on the page, to give back on closing.
    const madeInert = new Set();
    let pageOverflow = null;
    let lastPageY = window.scrollY;
    let limitState = "";
    const fullScreenMedia = window.matchMedia(FULL_SCREEN_QUERY);

    const ui = buildUi();
    showReviewDate((storage.get("clinic", null) || {}).reviewed_on);
    renderIntro();
    entries.forEach((entry) => ui.log.append(render(entry)));
    wireEvents();
    document.body.append(ui.root);
    setOpen(storage.get("open", false) === true, false);
    return { root: ui.root, ready: layoutReady };

    function buildUi() {
      const title = `${config.clinicName} assistant`;
      const launcherText = el("span", { className: "cdw-launcher-text", text: "Chat with us" });
      const launcher = el(
        "button",
        { type: "button", className: "cdw-launcher", "aria-expanded": "false", "aria-controls": "cdw-panel" },
        [svgIcon(ICON_CHAT, "cdw-icon-open"), svgIcon(ICON_CLOSE, "cdw-icon-close"), launcherText]
      );
      const closeButton = el("button", { type: "button", className: "cdw-close", "aria-label": "Close chat" }, [
        svgIcon(ICON_CLOSE),
      ]);
      const header = el("div", { className: "cdw-header" }, [
        el("div", { className: "cdw-heading" }, [
          el("h2", { className: "cdw-title", id: "cdw-title", text: title }),
          el("p", { className: "cdw-subtitle", text: "Answers from our mesotherapy guide" }),
        ]),
        closeButton,
      ]);
      // Filled by renderIntro: who answers, where urgent help is, what is stored.
      const intro = el("div", { className: "cdw-intro", id: "cdw-intro" });
      const log = el("div", {
        className: "cdw-log",
        role: "log",
        "aria-live": "polite",
        "aria-relevant": "additions",
        "aria-label": "Conversation",
      });
      const typingSlow = el("span", { className: "cdw-typing-slow", text: SLOW_TEXT });
      typingSlow.hidden = true;
      const typing = el("div", { className: "cdw-typing", role: "status" }, [
        visuallyHidden("The assistant is typing"),
        el("span", { className: "cdw-dot", "aria-hidden": "true" }),
        el("span", { className: "cdw-dot", "aria-hidden": "true" }),
        el("span", { className: "cdw-dot", "aria-hidden": "true" }),
        typingSlow,
      ]);
      typing.hidden = true;
      // The scrolling part: focusable, so keyboard users can scroll it with the arrow keys.
      const body = el("div", { className: "cdw-body", tabindex: "0", role: "region", "aria-label": "Chat messages" }, [
        intro,
        log,
        typing,
      ]);

      // Deleting asks first, inside the widget (a browser dialog would leave the chat).
      const deleteButton = el("button", { type: "button", className: "cdw-delete" }, [
        svgIcon(ICON_DELETE),
        el("span", { text: "Delete this conversation" }),
      ]);
      const confirmYes = el("button", { type: "button", className: "cdw-confirm-yes", text: "Yes, delete" });
      const confirmNo = el("button", { type: "button", className: "cdw-confirm-no", text: "Cancel" });
      const confirm = el(
        "div",
        { className: "cdw-confirm", role: "group", "aria-labelledby": "cdw-confirm-question" },
        [
          el("p", {
            className: "cdw-confirm-question",
            id: "cdw-confirm-question",
            text: "Delete this conversation? Its messages are removed from the clinic's server. This cannot be undone.",
          }),
          el("div", { className: "cdw-confirm-actions" }, [confirmYes, confirmNo]),
        ]
      );
      confirm.hidden = true;
      // "Medically reviewed on …": empty (and hidden) until the bot gives a real date.
      const reviewed = el("p", { className: "cdw-reviewed" });
      reviewed.hidden = true;
      const tools = el("div", { className: "cdw-tools" }, [deleteButton, confirm, reviewed]);

      // The length counter: shown near the limit; the status announces only its changes.
      const counter = el("p", { className: "cdw-counter", id: "cdw-counter" });
      const limitStatus = el("p", { className: "cdw-sr-only", role: "status" });
      const limit = el("div", { className: "cdw-limit" }, [counter]);
      limit.hidden = true;

      const input = el("input", {
        type: "text",
        id: "cdw-input",
        className: "cdw-input",
        // Typing stops at the limit (the counter says so); a longer paste is kept whole
        // and flagged rather than cut (see onPaste).
        maxlength: String(MAX_MESSAGE_LENGTH),
        autocomplete: "off",
        placeholder: "Type your question…",
      });
      const form = el("form", { className: "cdw-form", novalidate: "" }, [
        el("label", { className: "cdw-sr-only", for: "cdw-input", text: "Your question" }),
        input,
        el("button", { type: "submit", className: "cdw-send" }, [el("span", { text: "Send" })]),
      ]);
      // Screen readers read the emergency line and the privacy notice on opening the chat.
      const panel = el(
        "div",
        {
          className: "cdw-panel",
          id: "cdw-panel",
          role: "dialog",
          "aria-label": title,
          "aria-describedby": "cdw-emergency cdw-privacy",
        },
        [header, body, tools, limit, limitStatus, form]
      );
      panel.hidden = true;
      const root = el("div", { className: "cdw-root" }, [panel, launcher]);
      root.style.setProperty("--cdw-primary", config.primaryColor);
      root.style.setProperty("--cdw-on-primary", textColorOn(config.primaryColor));
      return {
        root,
        launcher,
        launcherText,
        panel,
        closeButton,
        body,
        intro,
        log,
        typing,
        typingSlow,
        deleteButton,
        reviewed,
        confirm,
        confirmYes,
        confirmNo,
        limit,
        counter,
        limitStatus,
        form,
        input,
      };
    }

    function wireEvents() {
      ui.launcher.addEventListener("click", () => setOpen(ui.panel.hidden, true));
      ui.launcher.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && !ui.panel.hidden) {
          event.preventDefault();
          setOpen(false, true);
        }
      });
      // A tucked-away launcher comes back when the keyboard reaches it.
      ui.launcher.addEventListener("focus", () => ui.root.classList.remove("cdw-launcher-tucked"));
      ui.closeButton.addEventListener("click", () => setOpen(false, true));
      ui.panel.addEventListener("keydown", (event) => {
        if (event.key === "Escape" && !ui.confirm.hidden && ui.confirm.contains(document.activeElement)) {
          event.preventDefault(); // Escape in the question means "no", not "close the chat"
          hideConfirm(true);
        } else if (event.key === "Escape") {
          event.preventDefault();
          setOpen(false, true);
        } else if (event.key === "Tab" && isFullScreen()) {
          keepFocusInPanel(event);
        }
      });
      ui.form.addEventListener("submit", (event) => {
        event.preventDefault(); // the page must never navigate
        if (send(ui.input.value)) {
          ui.input.value = "";
          updateLimit();
        }
        ui.input.focus();
      });
      ui.input.addEventListener("input", () => updateLimit());
      ui.input.addEventListener("paste", onPaste);
      ui.deleteButton.addEventListener("click", showConfirm);
      ui.confirmNo.addEventListener("click", () => hideConfirm(true));
      ui.confirmYes.addEventListener("click", deleteConversation);
      ui.body.addEventListener("scroll", onBodyScroll, { passive: true });
      window.addEventListener("pagehide", saveScroll);
      window.addEventListener("scroll", onPageScroll, { passive: true });
      fullScreenMedia.addEventListener("change", applyModal);
    }

    /** moveFocus: a user opened/closed the panel, so focus follows (not on page load). */
    function setOpen(open, moveFocus) {
      if (!open) saveScroll();
      ui.panel.hidden = !open;
      ui.root.classList.toggle("cdw-is-open", open);
      ui.root.classList.remove("cdw-launcher-tucked");
      ui.launcher.setAttribute("aria-expanded", String(open));
      // Where the launcher shows while the panel is open (beside it, not full screen), it
      // closes the panel and says so.
      ui.launcherText.textContent = open ? "Close chat" : "Chat with us";
      storage.set("open", open);
      applyModal();
      if (open) {
        loadClinicOnce();
        if (scrollReady && pendingReveal) reveal(pendingReveal);
        else if (scrollReady) restoreScroll();
        pendingReveal = null;
        if (moveFocus) ui.input.focus();
      } else if (moveFocus) {
        ui.launcher.focus();
      }
    }

    /** The stylesheet has loaded: the panel has its size, so its scroll position can return. */
    function layoutReady() {
      scrollReady = true;
      if (!ui.panel.hidden) restoreScroll();
    }

    function isFullScreen() {
      return fullScreenMedia.matches;
    }

    /**
     * The full-screen panel is a modal dialog: the page behind it is inert (no focus, no
     * screen-reader browsing into it) and does not scroll under the patient's finger.
     * Everything is given back when the panel closes or stops being full screen.
     */
    function applyModal() {
      const modal = !ui.panel.hidden && isFullScreen();
      if (modal) {
        ui.panel.setAttribute("aria-modal", "true");
        for (const node of Array.from(document.body.children)) {
          if (node !== ui.root && !node.inert) {
            node.inert = true;
            madeInert.add(node);
          }
        }
        if (pageOverflow === null) {
          const html = document.documentElement.style;
          const body = document.body.style;
          pageOverflow = [html.overflow, body.overflow];
          html.overflow = "hidden";
          body.overflow = "hidden";
        }
      } else {
        ui.panel.removeAttribute("aria-modal");
        madeInert.forEach((node) => {
          node.inert = false;
        });
        madeInert.clear();
        if (pageOverflow !== null) {
          [document.documentElement.style.overflow, document.body.style.overflow] = pageOverflow;
          pageOverflow = null;
        }
      }
    }

    /**
     * On a phone the round launcher tucks away while the page scrolls down (the patient
     * is reading) and comes back as soon as it scrolls up or the keyboard reaches it.
     */
    function onPageScroll() {
      const y = window.scrollY;
      if (Math.abs(y - lastPageY) < 8) return;
      const tuck = y > lastPageY && y > 40 && ui.panel.hidden && isFullScreen();
      lastPageY = y;
      if (tuck && ui.launcher === document.activeElement) return; // never hide the focus
      ui.root.classList.toggle("cdw-launcher-tucked", tuck);
    }

    /**
     * On a phone the panel covers the whole page, so Tab must not wander to links hidden
     * behind it (WCAG 2.4.11 Focus Not Obscured): wrap from the last control to the first.
     */
    function keepFocusInPanel(event) {
      const focusable = Array.from(ui.panel.querySelectorAll('button, a[href], input, [tabindex="0"]')).filter(
        (node) => !node.disabled && node.getClientRects().length > 0
      );
      const first = focusable[0];
      const last = focusable[focusable.length - 1];
      if (event.shiftKey && document.activeElement === first) {
        event.preventDefault();
        last.focus();
      } else if (!event.shiftKey && document.activeElement === last) {
        event.preventDefault();
        first.focus();
      }
    }

    // ------------------------------------------------------------ scrolling

    function scrollToEnd() {
      ui.body.scrollTop = ui.body.scrollHeight;
    }

    /**
     * Shows a new answer from its top: all of it when it fits below, else its start, so a
     * long answer is read from its first line and never from its disclaimer.
     */
    function reveal(node) {
      if (!node || !node.isConnected) return;
      const top = node.getBoundingClientRect().top - ui.body.getBoundingClientRect().top + ui.body.scrollTop;
      const end = ui.body.scrollHeight - ui.body.clientHeight;
      ui.body.scrollTop = Math.max(0, Math.min(top - 8, end));
    }

    function onBodyScroll() {
      if (!scrollReady || ui.panel.hidden) return;
      clearTimeout(scrollSaveTimer);
      scrollSaveTimer = setTimeout(saveScroll, SCROLL_SAVE_DELAY_MS);
    }

    /** Where the patient is in the conversation: at its end, or this many pixels down. */
    function saveScroll() {
      clearTimeout(scrollSaveTimer);
      if (!scrollReady || ui.panel.hidden || ui.body.clientHeight === 0) return;
      const end = ui.body.scrollHeight - ui.body.clientHeight;
      storage.set("scroll", { top: Math.round(ui.body.scrollTop), atEnd: ui.body.scrollTop >= end - 4 });
    }

    function restoreScroll() {
      const saved = storage.get("scroll", null);
      if (saved && typeof saved.top === "number" && saved.atEnd === false) ui.body.scrollTop = saved.top;
      else scrollToEnd();
    }

    /** Runs `change` on the intro without moving what the patient is reading below it. */
    function keepPlace(change) {
      const before = ui.intro.offsetHeight;
      change();
      const delta = ui.intro.offsetHeight - before;
      if (delta && ui.body.scrollTop > 0) ui.body.scrollTop += delta;
    }

    // ------------------------------------------------------------ intro and clinic facts

    /**
     * The first thing the patient sees, before typing anything: an automated assistant,
     * not for emergencies (and whom to call instead), what is stored and for how long.
     */
    function renderIntro() {
      const days = safety.retentionDays;
      const kept = days
        ? ` They are deleted after ${days} ${days === 1 ? "day" : "days"}`
        : " They are deleted automatically after a limited time";
      // Only an http(s) address becomes a link; anything else (a placeholder) is text.
      const notice = httpUrl(safety.privacyNoticeUrl) ? new URL(safety.privacyNoticeUrl).href : null;
      let noticeNodes = [];
      if (notice) {
        noticeNodes = [" ", externalLink(notice, "Read the full privacy notice"), "."];
      } else if (safety.privacyNoticeUrl) {
        noticeNodes = [` Full privacy notice: ${safety.privacyNoticeUrl}`];
      }
      ui.intro.replaceChildren(
        el("p", {
          className: "cdw-welcome",
          text:
            `Hello! I'm an automated assistant, not a person. Ask me about mesotherapy at ` +
            `${config.clinicName}: what it is, which areas it treats, how to prepare and what ` +
            "to do afterwards.",
        }),
        el("p", { className: "cdw-emergency", id: "cdw-emergency" }, [
          el("strong", { text: "Not for emergencies." }),
          " ",
          ...phoneLinks(emergencySentence()),
        ]),
        el("p", { className: "cdw-privacy", id: "cdw-privacy" }, [
          el("strong", { text: "Your privacy:" }),
          " We store the messages of this conversation so the assistant can answer." +
            kept +
            ", and you can delete them at any time with \u201cDelete this conversation\u201d below.",
          ...noticeNodes,
        ])
      );
    }

    /** "In an emergency, call 112." with the best number known (never a guessed one). */
    function emergencySentence() {
      const number = safety.emergencyNumber || "your local emergency number";
      return `In an emergency, call ${number} now.`;
    }

    /** The widget's own notices end with where urgent help is. */
    function withEmergency(text) {
      return `${text} ${emergencySentence()}`;
    }

    /** " on +44 …" and/or " at https://…": how to reach the clinic, from what is known. */
    function contactDetails() {
      let text = "";
      if (safety.clinicPhone) text += ` on ${safety.clinicPhone}`;
      if (config.contactUrl) text += `${text ? " or" : ""} at ${config.contactUrl}`;
      return text;
    }

    /** Takes what /clinic said (now or earlier in this tab); true if anything changed. */
    function applyClinicFacts(facts) {
      if (!facts || typeof facts !== "object" || Array.isArray(facts)) return false;
      const before = JSON.stringify(safety);
      safety.emergencyNumber = settingText(facts.emergency_number) || safety.emergencyNumber;
      safety.privacyNoticeUrl = settingText(facts.privacy_notice_url) || safety.privacyNoticeUrl;
      safety.retentionDays = settingDays(facts.retention_days) || safety.retentionDays;
      safety.clinicPhone = settingText(facts.phone) || safety.clinicPhone;
      return JSON.stringify(safety) !== before;
    }

    /**
     * "Medically reviewed on 14 March 2025" for a real calendar date; a placeholder, a
     * missing or a malformed value shows nothing: the widget never vouches for a review
     * the clinic has not recorded.
     */
    function showReviewDate(value) {
      const date = typeof value === "string" && ISO_DATE.test(value) ? new Date(`${value}T00:00:00Z`) : null;
      const valid = date && !Number.isNaN(date.getTime()) && date.toISOString().startsWith(value);
      ui.reviewed.hidden = !valid;
      ui.reviewed.textContent = valid
        ? `Medically reviewed on ${date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" })}`
        : "";
    }

    /** Asks the bot for its safety facts once per page; on failure the fallbacks stay. */
    function loadClinicOnce() {
      if (clinicRequested) return;
      clinicRequested = true;
      fetchJson(clinicUrl, { method: "GET" }, CLINIC_TIMEOUT_MS)
        .then((facts) => {
          if (!facts || typeof facts !== "object" || Array.isArray(facts)) return;
          const { emergency_number, privacy_notice_url, retention_days, phone, reviewed_on } = facts;
          storage.set("clinic", { emergency_number, privacy_notice_url, retention_days, phone, reviewed_on });
          showReviewDate(reviewed_on);
          // Re-rendering would drop the focus of a keyboard user on the notice's link.
          if (applyClinicFacts(facts)) keepPlace(renderIntro);
        })
        .catch((error) => {
          reportIfBlocked(error, clinicUrl);
          /* the fallbacks are already shown; the chat never waits for this */
        });
    }

    /** fetch with a timeout and no cookies; the parsed JSON body of a 2xx answer. */
    async function fetchJson(url, options, timeoutMs) {
      const controller = new AbortController();
      const timer = setTimeout(() => controller.abort(), timeoutMs);
      try {
        const response = await fetch(url, { ...options, credentials: "omit", signal: controller.signal });
        if (response.status === 429) throw new TooManyMessages();
        if (!response.ok) throw new Error(`HTTP ${response.status}`);
        return await response.json();
      } finally {
        clearTimeout(timer);
      }
    }

    /**
     * fetch rejects with a TypeError, and tells the page nothing more, when the browser
     * refuses the answer (CORS, CSP) or cannot connect. While the device is online that is
     * most often a configuration mistake: name the fixes, once, for whoever embeds the
     * widget (the patient sees the usual notice).
     */
    function reportIfBlocked(error, url) {
      if (blockedReported || !(error instanceof TypeError) || navigator.onLine === false) return;
      blockedReported = true;
      const botOrigin = new URL(config.botUrl).origin;
      console.error(
        `${LOG_PREFIX} the browser could not reach the bot at ${url}. If the bot is running, ` +
          `it most likely refused this page's origin: add ${window.location.origin} to ` +
          `WEB_ORIGINS on the bot (CORS) and restart it. Also check that data-bot-url is the ` +
          `bot's address and that this page's Content-Security-Policy allows connect-src ` +
          `${botOrigin}. See docs/widget.md.`
      );
    }

    // ------------------------------------------------------------ message length

    /**
     * The counter near the limit: "1,950 / 2,000 characters". A message over the limit is
     * never cut: it stays in the field, flagged, until the patient shortens it.
     */
    function updateLimit(refused = false) {
      const length = ui.input.value.trim().length;
      let state = "";
      if (length > MAX_MESSAGE_LENGTH) state = "over";
      else if (length === MAX_MESSAGE_LENGTH) state = "full";
      else if (length >= NEAR_LIMIT) state = "near";
      const count = (n) => n.toLocaleString("en");
      const max = count(MAX_MESSAGE_LENGTH);
      let text = `${count(length)} / ${max} characters`;
      if (state === "full") text += ": the limit. Send this, then go on in a new message.";
      if (state === "over") {
        text +=
          `: ${count(length - MAX_MESSAGE_LENGTH)} too many. ` +
          (refused ? "Not sent: " : "") +
          "please shorten your message or send it in parts (nothing is cut).";
      }
      ui.limit.hidden = !state;
      ui.counter.textContent = state ? text : "";
      ui.limit.classList.toggle("cdw-limit--over", state === "over");
      if (state) ui.input.setAttribute("aria-describedby", "cdw-counter");
      else ui.input.removeAttribute("aria-describedby");
      if (state === "over") ui.input.setAttribute("aria-invalid", "true");
      else ui.input.removeAttribute("aria-invalid");
      // Announce changes of state, not every keystroke.
      if (state !== limitState || refused) {
        ui.limitStatus.textContent = "";
        const announcement = {
          near: `Near the ${max}-character limit.`,
          full: `You have reached the ${max}-character limit.`,
          over: text,
        }[state];
        if (announcement) setTimeout(() => (ui.limitStatus.textContent = announcement), 50);
      }
      limitState = state;
    }

    /**
     * The browser would cut a paste at maxlength, silently and mid-word: a paste that does
     * not fit goes in whole instead, and the counter asks the patient to shorten it.
     */
    function onPaste(event) {
      const pasted = event.clipboardData ? event.clipboardData.getData("text/plain") : "";
      if (!pasted) return;
      const text = pasted.replace(/\r\n?|\n/g, " ");
      const { selectionStart: start, selectionEnd: end, value } = ui.input;
      if (start === null || value.length - (end - start) + text.length <= MAX_MESSAGE_LENGTH) return;
      event.preventDefault();
      ui.input.setRangeText(text, start, end, "end");
      updateLimit();
    }

    // ------------------------------------------------------------ conversation

    /** Shows the message and queues it for the bot; false if there was nothing to send. */
    function send(message, shownText = message, isPayload = false) {
      const text = String(message).trim();
      if (!text || deleting) return false;
      if (text.length > MAX_MESSAGE_LENGTH) {
        updateLimit(true);
        return false;
      }
      removeQuickReplies();
      const entry = { from: "user", text: String(shownText).trim().slice(0, MAX_MESSAGE_LENGTH), id: newUuid() };
      if (isPayload) Object.assign(entry, { message: text, payload: true });
      entry.state = "sending";
      addEntry(entry);
      scrollToEnd();
      enqueue(entry);
      return true;
    }

    function enqueue(entry) {
      queue = queue.then(() => exchange(entry));
    }

    /**
     * Sends one message and shows its answer right under it. A failed message keeps its
     * place and text, with Retry; the log and the stored history always say the same.
     */
    async function exchange(entry) {
      if (!entries.includes(entry)) return; // the conversation was deleted meanwhile
      // A retried message goes after whatever was answered since it failed: the log shows
      // the conversation in the order the bot has it.
      if (entries[entries.length - 1] !== entry) moveToEnd(entry);
      let shown = null;
      let safetyNode = null;
      setTyping(true);
      try {
        const replies = attachDisclaimers((await postToBot(entry)).filter(isShowable));
        delete entry.state;
        delete entry.failure;
        let anchor = entry;
        const add = (reply) => {
          const node = insertAfter(anchor, reply);
          anchor = reply;
          shown = shown || node;
          return node;
        };
        if (!replies.length) add({ from: "notice", text: withEmergency(NO_ANSWER_TEXT) });
        // After urgent advice the only next step is getting help: no "Book online" buttons.
        const urgent = replies.some((reply) => reply.kind);
        if (urgent) closeFeedback();
        replies.forEach((reply) => {
          const answer = { from: "bot", text: reply.text, buttons: urgent ? [] : reply.buttons };
          if (reply.kind) answer.kind = reply.kind;
          else if (reply.passages.length) answer.passages = reply.passages;
          const node = add(answer);
          safetyNode = safetyNode || (reply.kind ? node : null);
        });
      } catch (error) {
        // Offline, refused by CORS, timed out, server error, not JSON: all the same to a
        // patient, except being asked to slow down.
        entry.state = "failed";
        entry.failure = error instanceof TooManyMessages ? "busy" : "unreachable";
        reportIfBlocked(error, webhookUrl);
      } finally {
        save();
        updateUserNode(entry);
        setTyping(false);
        const failure = entry.state === "failed" ? nodes.get(entry).querySelector(".cdw-msg--failed") : null;
        const target = safetyNode || shown || failure;
        if (ui.panel.hidden) pendingReveal = target;
        else reveal(target);
      }
    }

    /** Sends a failed message again, with its message_id: the bot answers it only once. */
    function retry(entry) {
      if (entry.state !== "failed" || deleting) return;
      const node = nodes.get(entry);
      const hadFocus = node && node.contains(document.activeElement);
      entry.state = "sending";
      delete entry.failure;
      save();
      updateUserNode(entry);
      if (hadFocus) ui.input.focus(); // the Retry button is gone; keep keyboard users in the chat
      enqueue(entry);
    }

    /** Only the widget's own buttons send payloads; whatever the patient types is text. */
    async function postToBot(entry) {
      const body = { sender, message: entry.message || entry.text, message_id: entry.id };
      if (entry.payload) body.payload = true;
      const replies = await fetchJson(
        webhookUrl,
        { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(body) },
        REQUEST_TIMEOUT_MS
      );
      if (!Array.isArray(replies)) throw new Error("the bot's reply is not a list");
      return replies;
    }

    function isShowable(reply) {
      if (!reply || typeof reply !== "object") return false;
      const hasText = typeof reply.text === "string" && reply.text.trim() !== "";
      return hasText || quickReplies(reply.buttons).length > 0;
    }

    /** "urgent" or "crisis" when the channel marked the reply as one, else null. */
    function safetyKind(reply) {
      const kind = reply.custom && typeof reply.custom === "object" ? reply.custom.kind : null;
      return typeof kind === "string" && SAFETY_KINDS.has(kind) ? kind : null;
    }

    /**
     * Rasa's stock REST channel sends each paragraph of a reply without buttons as a
     * message of its own, so the disclaimer can arrive alone (this project's channel,
     * channels/rest.py, keeps an answer whole; the widget may face a stock one). Put it
     * back under the answer it belongs to, where renderBotText sets it apart.
     */
    function attachDisclaimers(replies) {
      const merged = [];
      for (const reply of replies) {
        const text = typeof reply.text === "string" ? reply.text.trim() : "";
        const buttons = quickReplies(reply.buttons);
        const kind = safetyKind(reply);
        const previous = merged[merged.length - 1];
        if (previous && !buttons.length && !kind && isDisclaimer(text)) {
          previous.text = `${previous.text}\n\n${text}`;
        } else {
          const passages = kind ? [] : passageIds(reply.custom && reply.custom.passages);
          merged.push({ text, buttons, kind, passages });
        }
      }
      return merged;
    }

    function quickReplies(buttons) {
      if (!Array.isArray(buttons)) return [];
      return buttons
        .filter((b) => b && typeof b.title === "string" && typeof b.payload === "string" && b.payload.trim())
        .map((b) => ({ title: b.title, payload: b.payload }));
    }

    /**
     * The queue sends one request at a time, so "typing" is simply whether one is out.
     * After SLOW_ANSWER_MS it also says, in words, that the answer is still coming.
     */
    function setTyping(typing) {
      clearTimeout(slowTimer);
      // Follow the indicator only from the end of the log: a patient reading the answer
      // to an earlier message stays where they are.
      const follow = nearEnd();
      ui.typing.hidden = !typing;
      ui.typingSlow.hidden = true;
      if (!typing) return;
      if (follow) scrollToEnd();
      slowTimer = setTimeout(() => {
        const follow = nearEnd();
        ui.typingSlow.hidden = false;
        if (follow) scrollToEnd();
      }, SLOW_ANSWER_MS);
    }

    function nearEnd() {
      return ui.body.scrollHeight - ui.body.scrollTop - ui.body.clientHeight < 64;
    }

    // ------------------------------------------------------------ the log and its storage

    /** Stores the history as shown (the last MAX_STORED_ENTRIES entries of it). */
    function save() {
      if (entries.length > MAX_STORED_ENTRIES) {
        entries.slice(0, entries.length - MAX_STORED_ENTRIES).forEach((entry) => nodes.delete(entry));
        entries = entries.slice(-MAX_STORED_ENTRIES);
      }
      storage.set("log", entries);
    }

    function addEntry(entry) {
      entries.push(entry);
      save();
      const node = render(entry);
      ui.log.append(node);
      return node;
    }

    /** Adds `entry` right after `anchor`, in the history and in the log. */
    function insertAfter(anchor, entry) {
      const index = entries.indexOf(anchor);
      entries.splice(index < 0 ? entries.length : index + 1, 0, entry);
      const node = render(entry);
      const anchorNode = nodes.get(anchor);
      if (index >= 0 && anchorNode && anchorNode.isConnected) anchorNode.after(node);
      else ui.log.append(node);
      return node;
    }

    function moveToEnd(entry) {
      entries.splice(entries.indexOf(entry), 1);
      entries.push(entry);
      save();
      const node = nodes.get(entry);
      if (node) ui.log.append(node);
    }

    /** Shows an entry without storing it (the widget's answers to "delete"). */
    function showEntry(entry) {
      const node = renderEntry(entry);
      ui.log.append(node);
      scrollToEnd();
      return node;
    }

    /** Quick replies are one-shot: once the patient says anything, they go away. */
    function removeQuickReplies() {
      entries.forEach((entry) => delete entry.buttons);
      save();
      ui.log.querySelectorAll(".cdw-quick-replies").forEach((group) => group.remove());
    }

    function render(entry) {
      const node = renderEntry(entry);
      nodes.set(entry, node);
      return node;
    }

    function renderEntry(entry) {
      if (entry.from === "user") {
        const message = el("div", { className: "cdw-msg cdw-msg--user" }, [
          visuallyHidden("You: "),
          el("div", { className: "cdw-bubble", text: entry.text }),
        ]);
        // The message and, while it is not answered, its failure notice with Retry.
        const turn = el("div", { className: "cdw-turn" }, [message]);
        fillTurn(turn, entry);
        return turn;
      }
      if (entry.from === "notice") {
        return el("div", { className: "cdw-msg cdw-msg--notice" }, [
          el("p", { className: "cdw-notice" }, phoneLinks(entry.text)),
        ]);
      }
      const kind = SAFETY_KINDS.get(entry.kind);
      if (kind) return renderSafetyReply(entry.kind, kind, entry.text);
      const message = el("div", { className: "cdw-msg cdw-msg--bot" }, [visuallyHidden("Assistant: ")]);
      const content = renderBotText(entry.text);
      if (content.length) message.append(el("div", { className: "cdw-bubble" }, content));
      if (entry.passages && entry.passages.length && !entry.feedbackClosed) message.append(renderFeedback(entry));
      if (entry.buttons && entry.buttons.length) message.append(renderQuickReplies(entry.buttons));
      return message;
    }

    // ------------------------------------------------------------ feedback on an answer

    /**
     * 👍 / 👎 under an answer from the article. The pressed one says so (aria-pressed);
     * pressing the other changes the vote. After 👎, an optional "what was missing?".
     */
    function renderFeedback(entry) {
      const button = (rating, label, icon) =>
        el("button", { type: "button", className: `cdw-vote cdw-vote--${rating}`, "aria-label": label }, [
          svgIcon(icon),
        ]);
      const up = button("up", "This answer helped", ICON_UP);
      const down = button("down", "This answer did not help", ICON_DOWN);
      const status = el("p", { className: "cdw-feedback-status", role: "status" });
      const question = el("span", { className: "cdw-feedback-question", "aria-hidden": "true", text: "Helpful?" });
      const votes = el("div", { className: "cdw-votes" }, [question, up, down, status]);
      const group = el("div", { className: "cdw-feedback", role: "group", "aria-label": "Was this answer helpful?" }, [
        votes,
      ]);
      const show = () => {
        up.setAttribute("aria-pressed", String(entry.vote === "up"));
        down.setAttribute("aria-pressed", String(entry.vote === "down"));
      };
      show();
      const choose = async (rating) => {
        if (entry.vote === rating || group.classList.contains("cdw-feedback--busy")) return;
        group.classList.add("cdw-feedback--busy");
        const sent = await sendFeedback(entry, { rating });
        group.classList.remove("cdw-feedback--busy");
        status.textContent = sent ? FEEDBACK_THANKS : FEEDBACK_FAILED_TEXT;
        if (!sent) return;
        entry.vote = rating;
        save();
        show();
        const form = group.querySelector(".cdw-missing");
        if (form) form.remove();
        if (rating === "down") {
          const missing = renderMissing(entry, group, status, down);
          group.append(missing);
          // The whole question with its Send and Skip in view, not only the field.
          missing.querySelector("textarea").focus({ preventScroll: true });
          missing.scrollIntoView({ block: "nearest" });
        }
      };
      up.addEventListener("click", () => choose("up"));
      down.addEventListener("click", () => choose("down"));
      return group;
    }

    /** "What was missing?": optional, counted to its limit, Send or Skip. */
    function renderMissing(entry, group, status, downButton) {
      const id = `cdw-missing-${newUuid()}`;
      const field = el("textarea", {
        id,
        className: "cdw-missing-text",
        rows: "2",
        maxlength: String(MAX_COMMENT_LENGTH),
        "aria-describedby": `${id}-count`,
      });
      const count = el("p", { className: "cdw-missing-count", id: `${id}-count` });
      const updateCount = () => {
        count.textContent = `${field.value.length} / ${MAX_COMMENT_LENGTH} characters`;
      };
      updateCount();
      field.addEventListener("input", updateCount);
      const sendButton = el("button", { type: "submit", className: "cdw-missing-send", text: "Send" });
      const skipButton = el("button", { type: "button", className: "cdw-missing-skip", text: "Skip" });
      const form = el("form", { className: "cdw-missing", novalidate: "" }, [
        el("label", { for: id, text: "What was missing? (optional)" }),
        field,
        count,
        el("div", { className: "cdw-missing-actions" }, [sendButton, skipButton]),
      ]);
      const close = () => {
        form.remove();
        // After an urgent reply the votes are gone: the patient goes on in the chat.
        if (downButton.isConnected) downButton.focus();
        else ui.input.focus();
      };
      skipButton.addEventListener("click", close);
      form.addEventListener("keydown", (event) => {
        if (event.key === "Escape") {
          event.preventDefault();
          event.stopPropagation(); // Escape here means "skip", not "close the chat"
          close();
        }
      });
      form.addEventListener("submit", async (event) => {
        event.preventDefault(); // the page must never navigate
        const comment = field.value.trim();
        if (!comment) return close();
        sendButton.disabled = true;
        const sent = await sendFeedback(entry, { rating: "down", comment });
        sendButton.disabled = false;
        if (!sent) {
          status.textContent = FEEDBACK_FAILED_TEXT;
          return;
        }
        status.textContent = FEEDBACK_COMMENT_THANKS;
        close();
      });
      return form;
    }

    /** After urgent advice the only next step is getting help: no votes to distract. */
    function closeFeedback() {
      entries.forEach((entry) => {
        if (entry.passages) entry.feedbackClosed = true;
      });
      save();
      ui.log.querySelectorAll(".cdw-feedback").forEach((group) => group.remove());
    }

    /** Posts a vote; true once the server kept it. An urgent reply it sends is shown. */
    async function sendFeedback(entry, vote) {
      try {
        const answer = await fetchJson(
          feedbackUrl,
          {
            method: "POST",
            headers: { "Content-Type": "application/json" },
            body: JSON.stringify({ sender, passages: entry.passages, ...vote }),
          },
          REQUEST_TIMEOUT_MS
        );
        const messages = answer && Array.isArray(answer.messages) ? answer.messages : [];
        messages.forEach((message) => {
          const kind = safetyKind(message);
          if (!kind || typeof message.text !== "string") return;
          closeFeedback();
          removeQuickReplies();
          reveal(addEntry({ from: "bot", text: message.text, kind }));
        });
        return Boolean(answer && answer.recorded === true);
      } catch (error) {
        reportIfBlocked(error, feedbackUrl);
        return false;
      }
    }

    function updateUserNode(entry) {
      const turn = nodes.get(entry);
      if (turn) fillTurn(turn, entry);
    }

    function fillTurn(turn, entry) {
      const failed = entry.state === "failed";
      turn.querySelector(".cdw-msg--user").classList.toggle("cdw-msg--unsent", failed);
      const old = turn.querySelector(".cdw-msg--failed");
      if (old) old.remove();
      if (failed) turn.append(renderFailure(entry));
    }

    /**
     * Under a message that got no answer: what happened, Retry, how to reach the clinic
     * and where urgent help is.
     */
    function renderFailure(entry) {
      const text =
        entry.failure === "busy" ? TOO_MANY_TEXT : `${UNREACHABLE_TEXT}${contactDetails()}.`;
      const quoted = entry.text.length > 40 ? `${entry.text.slice(0, 40)}\u2026` : entry.text;
      const button = el("button", { type: "button", className: "cdw-retry" }, [
        svgIcon(ICON_RETRY),
        "Retry",
        visuallyHidden(` sending \u201c${quoted}\u201d`),
      ]);
      button.addEventListener("click", () => retry(entry));
      return el("div", { className: "cdw-msg cdw-msg--notice cdw-msg--failed" }, [
        el("div", { className: "cdw-notice" }, [el("p", {}, linkify(withEmergency(text), true)), button]),
      ]);
    }

    /**
     * Urgent-care advice or crisis support: its own look, a heading that is part of what
     * the log announces, numbers one tap away, and never any buttons.
     */
    function renderSafetyReply(name, kind, text) {
      const heading = el("h3", { className: "cdw-safety-heading" }, [
        el("span", { className: "cdw-safety-icon", "aria-hidden": "true", text: kind.icon }),
        kind.heading,
      ]);
      return el("div", { className: `cdw-msg cdw-msg--bot cdw-msg--safety cdw-msg--${name}` }, [
        visuallyHidden("Assistant: "),
        el("div", { className: "cdw-bubble" }, [heading, ...renderBotText(text, true)]),
      ]);
    }

    function renderQuickReplies(buttons) {
      const group = el("div", { className: "cdw-quick-replies", role: "group", "aria-label": "Suggested questions" });
      for (const button of buttons) {
        const node = el("button", { type: "button", className: "cdw-quick-reply", text: button.title });
        node.addEventListener("click", () => {
          send(button.payload, button.title, true);
          ui.input.focus(); // the clicked button disappears; keep keyboard users in the chat
        });
        group.append(node);
      }
      return group;
    }

    // ------------------------------------------------------------ deleting the conversation

    function showConfirm() {
      ui.deleteButton.hidden = true;
      ui.confirm.hidden = false;
      ui.confirmNo.focus(); // the safe choice; the question is the group's name
    }

    function hideConfirm(moveFocus) {
      ui.confirm.hidden = true;
      ui.deleteButton.hidden = false;
      if (moveFocus) ui.deleteButton.focus();
    }

    /**
     * Deletes the conversation on the server, then (only then) here: the log, the stored
     * history and the sender id. The next message starts a new conversation. Queued
     * after any message still on its way, so nothing is stored after the deletion.
     */
    function deleteConversation() {
      if (deleting) return;
      deleting = true;
      ui.confirmYes.disabled = true;
      ui.confirmNo.disabled = true;
      const oldSender = sender;
      queue = queue.then(async () => {
        let deleted = false;
        try {
          const answer = await fetchJson(
            forgetUrl,
            {
              method: "POST",
              headers: { "Content-Type": "application/json" },
              body: JSON.stringify({ sender: oldSender }),
            },
            REQUEST_TIMEOUT_MS
          );
          deleted = Boolean(answer && answer.deleted === true);
        } catch (error) {
          deleted = false;
        }
        deleting = false;
        ui.confirmYes.disabled = false;
        ui.confirmNo.disabled = false;
        if (deleted) {
          entries = [];
          nodes.clear();
          pendingReveal = null;
          storage.remove("log");
          storage.remove("scroll");
          storage.remove("sender");
          sender = senderId(); // a new UUID: the old conversation cannot continue
          ui.log.replaceChildren();
          hideConfirm(false);
          showEntry({ from: "notice", text: DELETED_TEXT });
          ui.input.focus();
        } else {
          hideConfirm(true);
          showEntry({ from: "notice", text: DELETE_FAILED_TEXT });
        }
      });
    }
  }

  function start() {
    if (document.querySelector(".cdw-root")) return; // embedded twice: keep the first
    const config = readConfig();
    const stylesheet = el("link", { rel: "stylesheet", href: config.styleUrl });
    document.head.append(stylesheet);
    const widget = createWidget(config);
    // Keep the unstyled launcher from flashing at the end of the page while the CSS loads.
    widget.root.style.visibility = "hidden";
    const reveal = () => {
      widget.root.style.removeProperty("visibility");
      widget.ready();
    };
    stylesheet.addEventListener("load", reveal, { once: true });
    stylesheet.addEventListener(
      "error",
      () => {
        console.error(
          `${LOG_PREFIX} could not load ${config.styleUrl}: put widget.css next to widget.js ` +
            "or give its address in data-css-url (and allow it in the page's style-src)."
        );
        reveal();
      },
      { once: true }
    );
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
