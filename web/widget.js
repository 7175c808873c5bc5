/*
 * Citidrips chat widget: a small, dependency-free chat window for the clinic's Rasa
 * FAQ assistant (REST channel).
 *
 * Embed with one tag; the widget loads widget.css from next to itself:
 *   <script src="widget.js" data-bot-url="https://bot.example" data-clinic-name="Citidrips"
 *           data-primary-color="#0b6e69"></script>
 *
 * Bot URL: a `?bot=` parameter on the page URL (only on pages served from this machine,
 * for development and tests), else data-bot-url, else the page's host on port 5005.
 *
 * Safety and privacy facts (emergency number, privacy notice, retention) come from the
 * bot's GET /webhooks/rest/clinic when the panel first opens. Until it answers, or if it
 * cannot, the widget uses these optional attributes, else generic wording:
 *   data-emergency-number="112" data-privacy-notice-url="https://…" data-retention-days="30"
 * Never put a guessed number here: a wrong emergency number is worse than none.
 *
 * Safety rule of this file: text from the bot or the user never goes through innerHTML.
 * Every node is built with createElement/textContent, so markup in an answer shows as
 * literal text.
 */
(() => {
  "use strict";

  const SCRIPT = document.currentScript || document.querySelector('script[src*="widget.js"]');
  const STORAGE_PREFIX = "citidrips-chat:";
  const REQUEST_TIMEOUT_MS = 15000;
  const MAX_MESSAGE_LENGTH = 2000;
  // Enough history for a long visit without filling sessionStorage.
  const MAX_STORED_ENTRIES = 200;
  const DEFAULT_BOT_PORT = "5005";
  const DEFAULT_PRIMARY = "#0b6e69";
  // Where widget.css makes the panel full screen; keep the two in step.
  const FULL_SCREEN_QUERY = "(max-width: 480px)";
  // The bot appends its disclaimer as the last paragraph; this phrase is always in it.
  const DISCLAIMER_MARKER = "not medical advice";
  const CLINIC_TIMEOUT_MS = 10000;
  // A setting longer than this is not a phone number or an address: shorten it.
  const MAX_SETTING_LENGTH = 300;
  // The widget's own texts; each ends with where to get urgent help (emergencySentence).
  const UNREACHABLE_TEXT =
    "Sorry, I can't reach the assistant right now. Please try again in a moment " +
    "or contact the clinic directly.";
  const TOO_MANY_TEXT =
    "You're sending messages faster than I can answer. Please wait a moment and try again.";
  const NO_ANSWER_TEXT =
    "Sorry, I don't have an answer for that right now. Please try rephrasing your " +
    "question or contact the clinic directly.";
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
    return {
      botUrl: resolveBotUrl(data.botUrl),
      clinicName,
      // Fallbacks until (or unless) the bot's /clinic answers.
      safety: {
        emergencyNumber: settingText(data.emergencyNumber),
        privacyNoticeUrl: settingText(data.privacyNoticeUrl),
        retentionDays: settingDays(data.retentionDays),
      },
      primaryColor: parseHexColor(data.primaryColor) || parseHexColor(DEFAULT_PRIMARY),
      styleUrl: SCRIPT && SCRIPT.src ? new URL("widget.css", SCRIPT.src).href : "widget.css",
    };
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

  /** Stored entries, dropping anything that is not what this file wrote. */
  function loadEntries() {
    const entries = storage.get("log", []);
    if (!Array.isArray(entries)) return [];
    return entries.filter(
      (entry) => entry && ["user", "bot", "notice"].includes(entry.from) && typeof entry.text === "string"
    );
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

  function svgIcon(pathData) {
    const ns = "http://www.w3.org/2000/svg";
    const svg = document.createElementNS(ns, "svg");
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
    // What the intro and the widget's own notices say: the script tag's attributes until
    // the bot's /clinic answers (fetched once, when the panel first opens).
    const safety = { ...config.safety };
    let clinicRequested = false;
    let deleting = false;
    let entries = loadEntries();
    // Requests go out one after the other so answers arrive in the order asked.
    let queue = Promise.resolve();

    const ui = buildUi();
    renderIntro();
    entries.forEach((entry) => ui.log.append(renderEntry(entry)));
    wireEvents();
    setOpen(storage.get("open", false) === true, false);
    document.body.append(ui.root);
    return ui.root;

    function buildUi() {
      const title = `${config.clinicName} assistant`;
      const launcher = el(
        "button",
        { type: "button", className: "cdw-launcher", "aria-expanded": "false", "aria-controls": "cdw-panel" },
        [svgIcon(ICON_CHAT), el("span", { className: "cdw-launcher-text", text: "Chat with us" })]
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
      const typing = el("div", { className: "cdw-typing", role: "status" }, [
        visuallyHidden("The assistant is typing"),
        el("span", { className: "cdw-dot", "aria-hidden": "true" }),
        el("span", { className: "cdw-dot", "aria-hidden": "true" }),
        el("span", { className: "cdw-dot", "aria-hidden": "true" }),
      ]);
      typing.hidden = true;
      const body = el("div", { className: "cdw-body" }, [intro, log, typing]);

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
      const tools = el("div", { className: "cdw-tools" }, [deleteButton, confirm]);

      const input = el("input", {
        type: "text",
        id: "cdw-input",
        className: "cdw-input",
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
        [header, body, tools, form]
      );
      panel.hidden = true;
      const root = el("div", { className: "cdw-root" }, [panel, launcher]);
      root.style.setProperty("--cdw-primary", config.primaryColor);
      root.style.setProperty("--cdw-on-primary", textColorOn(config.primaryColor));
      return {
        root,
        launcher,
        panel,
        closeButton,
        body,
        intro,
        log,
        typing,
        deleteButton,
        confirm,
        confirmYes,
        confirmNo,
        form,
        input,
      };
    }

    function wireEvents() {
      ui.launcher.addEventListener("click", () => setOpen(ui.panel.hidden, true));
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
        if (send(ui.input.value)) ui.input.value = "";
        ui.input.focus();
      });
      ui.deleteButton.addEventListener("click", showConfirm);
      ui.confirmNo.addEventListener("click", () => hideConfirm(true));
      ui.confirmYes.addEventListener("click", deleteConversation);
    }

    /** moveFocus: a user opened/closed the panel, so focus follows (not on page load). */
    function setOpen(open, moveFocus) {
      ui.panel.hidden = !open;
      ui.root.classList.toggle("cdw-is-open", open);
      ui.launcher.setAttribute("aria-expanded", String(open));
      storage.set("open", open);
      if (open) {
        loadClinicOnce();
        scrollToEnd();
        if (moveFocus) ui.input.focus();
      } else if (moveFocus) {
        ui.launcher.focus();
      }
    }

    function isFullScreen() {
      return window.matchMedia(FULL_SCREEN_QUERY).matches;
    }

    /**
     * On a phone the panel covers the whole page, so Tab must not wander to links hidden
     * behind it (WCAG 2.4.11 Focus Not Obscured): wrap from the last control to the first.
     */
    function keepFocusInPanel(event) {
      const focusable = Array.from(ui.panel.querySelectorAll("button, a[href], input")).filter(
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

    function scrollToEnd() {
      ui.body.scrollTop = ui.body.scrollHeight;
    }

    /** Urgent advice is read from its heading, even when it is taller than the panel. */
    function scrollToStartOf(node) {
      const offset = node.getBoundingClientRect().top - ui.body.getBoundingClientRect().top;
      ui.body.scrollTop += offset - 8;
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

    /** Asks the bot for its safety facts once; on failure the fallbacks stay. */
    function loadClinicOnce() {
      if (clinicRequested) return;
      clinicRequested = true;
      fetchJson(clinicUrl, { method: "GET" }, CLINIC_TIMEOUT_MS)
        .then((facts) => {
          if (!facts || typeof facts !== "object" || Array.isArray(facts)) return;
          const before = JSON.stringify(safety);
          safety.emergencyNumber = settingText(facts.emergency_number) || safety.emergencyNumber;
          safety.privacyNoticeUrl = settingText(facts.privacy_notice_url) || safety.privacyNoticeUrl;
          safety.retentionDays = settingDays(facts.retention_days) || safety.retentionDays;
          // Re-rendering would drop the focus of a keyboard user on the notice's link.
          if (JSON.stringify(safety) !== before) renderIntro();
        })
        .catch(() => {
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

    // ------------------------------------------------------------ conversation

    /** Shows the message and queues it for the bot; false if there was nothing to send. */
    function send(message, shownText = message, isPayload = false) {
      const clean = (value) => String(value).trim().slice(0, MAX_MESSAGE_LENGTH);
      const text = clean(message);
      if (!text || deleting) return false;
      removeQuickReplies();
      addEntry({ from: "user", text: clean(shownText) });
      queue = queue.then(() => exchange(text, isPayload));
      return true;
    }

    async function exchange(message, isPayload) {
      let safetyNode = null;
      setTyping(true);
      try {
        const replies = attachDisclaimers((await postToBot(message, isPayload)).filter(isShowable));
        if (!replies.length) addEntry({ from: "notice", text: withEmergency(NO_ANSWER_TEXT) });
        // After urgent advice the only next step is getting help: no "Book online" buttons.
        const urgent = replies.some((reply) => reply.kind);
        replies.forEach((reply) => {
          const entry = { from: "bot", text: reply.text, buttons: urgent ? [] : reply.buttons };
          if (reply.kind) entry.kind = reply.kind;
          const node = addEntry(entry);
          safetyNode = safetyNode || (reply.kind ? node : null);
        });
      } catch (error) {
        // Offline, refused by CORS, timed out, server error, not JSON: all the same to a
        // patient, except being asked to slow down.
        const text = error instanceof TooManyMessages ? TOO_MANY_TEXT : UNREACHABLE_TEXT;
        addEntry({ from: "notice", text: withEmergency(text) });
      } finally {
        setTyping(false);
        if (safetyNode) scrollToStartOf(safetyNode);
      }
    }

    /** Only the widget's own buttons send payloads; whatever the patient types is text. */
    async function postToBot(message, isPayload = false) {
      const replies = await fetchJson(
        webhookUrl,
        {
          method: "POST",
          headers: { "Content-Type": "application/json" },
          body: JSON.stringify(isPayload ? { sender, message, payload: true } : { sender, message }),
        },
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
          merged.push({ text, buttons, kind });
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

    // The queue sends one request at a time, so "typing" is simply whether one is out.
    function setTyping(typing) {
      ui.typing.hidden = !typing;
      scrollToEnd();
    }

    function addEntry(entry) {
      entries.push(entry);
      entries = entries.slice(-MAX_STORED_ENTRIES);
      storage.set("log", entries);
      return showEntry(entry);
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
      storage.set("log", entries);
      ui.log.querySelectorAll(".cdw-quick-replies").forEach((group) => group.remove());
    }

    function renderEntry(entry) {
      if (entry.from === "user") {
        return el("div", { className: "cdw-msg cdw-msg--user" }, [
          visuallyHidden("You: "),
          el("div", { className: "cdw-bubble", text: entry.text }),
        ]);
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
      if (entry.buttons && entry.buttons.length) message.append(renderQuickReplies(entry.buttons));
      return message;
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
          storage.remove("log");
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
    const root = createWidget(config);
    // Keep the unstyled launcher from flashing at the end of the page while the CSS loads.
    root.style.visibility = "hidden";
    const reveal = () => root.style.removeProperty("visibility");
    stylesheet.addEventListener("load", reveal);
    stylesheet.addEventListener("error", reveal);
  }

  if (document.body) start();
  else document.addEventListener("DOMContentLoaded", start);
})();
