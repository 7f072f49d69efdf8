/* Safeguarding resource library: embed.js. Draws the sport safeguarding
   contacts or a saved search into a div on your page:
   <div data-safelib="sport"><a href="...">Sport safeguarding contacts</a></div>
   <div data-safelib="search" data-q="exploitation" data-search="theme=neglect&type=report"></div>
   Options: data-theme="light|dark" (default: your page's colours),
   data-compact, data-n (1-50), data-title, data-level (heading, 2-5),
   data-sport (one sport). No dependencies, no globals, no eval, no inline
   styles; data goes in as text. If the library can't be reached, the div
   keeps what it had (a plain link). CSP: script-src and connect-src need
   this script's origin. */
(() => {
  "use strict";
  const me = document.currentScript || document.querySelector('script[src$="/embed.js"]');
  if (!me || !me.src) return;
  const base = new URL(me.src).origin;
  const css = "__SAFELIB_CSS__";
  let styled = false;
  let seq = 0;

  const el = (tag, cls, text) => {
    const e = document.createElement(tag);
    if (cls) e.className = "slb-" + cls;
    if (text) e.textContent = text;
    return e;
  };
  // Web, mail and phone links only; anything else stays text.
  const link = (href, text) => {
    if (!/^(https?:|mailto:|tel:)/i.test(href || "")) return document.createTextNode(text);
    const a = el("a", "", text);
    a.href = href;
    return a;
  };
  const cap = (s) => (s ? s.charAt(0).toUpperCase() + s.slice(1) : "");
  const words = (s) => cap((s || "").replace(/-/g, " "));
  const date = (d) => {
    if (!/^\d{4}-\d\d(-\d\d)?$/.test(d || "")) return d || "";
    const o = {month: "long", year: "numeric", timeZone: "UTC"};
    if (d.length > 7) o.day = "numeric";
    return new Date(d + (d.length > 7 ? "" : "-01") + "T12:00:00Z").toLocaleDateString("en-GB", o);
  };
  // A constructed sheet is CSSOM, which a page's style-src does not block.
  const style = () => {
    if (styled) return;
    styled = true;
    try {
      const sheet = new CSSStyleSheet();
      sheet.replaceSync(css);
      document.adoptedStyleSheets = [...document.adoptedStyleSheets, sheet];
    } catch (e) {
      // An older browser: the markup reads well unstyled.
    }
  };
  const contact = (p, label, href, text) => {
    if (!text) return;
    const s = el("span", "", label + ": ");
    s.append(link(href, text));
    p.append(s);
  };

  const sport = (d, lv) => {
    const ul = el("ul", "list");
    for (const r of d.listings || []) {
      const li = el("li", "item");
      const h = el("h" + lv, "name");
      h.append(link(r.url, r.title));
      li.append(h, el("p", "meta", [cap(r.sport), r.organisation].filter(Boolean).join(" · ")));
      const p = el("p", "contact");
      contact(p, "Phone", "tel:" + (r.phone || "").replace(/[^\d+]/g, ""), r.phone);
      contact(p, "Email", "mailto:" + r.email, r.email);
      if (p.firstChild) li.append(p);
      if (r.summary) li.append(el("p", "summary", r.summary));
      if (r.last_verified) li.append(el("p", "note", "Details checked " + date(r.last_verified)));
      ul.append(li);
    }
    return ul;
  };

  const search = (d, lv) => {
    const ul = el("ul", "list");
    for (const r of d.hits || []) {
      const li = el("li", "item");
      const h = el("h" + lv, "name");
      // Members-only items show their title only, linking to the library.
      h.append(link(!r.teaser && r.url ? r.url : base + "/resources/" + encodeURIComponent(r.id), r.title));
      if (r.teaser) h.append(el("span", "tag", "Members only"));
      li.append(h, el("p", "meta", [words(r.type), r.publisher, date(r.published)].filter(Boolean).join(" · ")));
      if (r.summary) li.append(el("p", "summary", r.summary));
      // Every theme the item is found under, the tagger's marked.
      const themes = (r.themes || []).map(words).concat((r.suggested_themes || []).map((t) => words(t) + " (suggested)"));
      if (themes.length) li.append(el("p", "meta themes", "Themes: " + themes.join(", ")));
      ul.append(li);
    }
    return ul;
  };

  const load = (box) => {
    if (box.hasAttribute("data-safelib-state")) return;
    const set = (s) => box.setAttribute("data-safelib-state", s);
    set("loading");
    const kind = box.getAttribute("data-safelib");
    const attr = (n) => box.getAttribute("data-" + n) || "";
    const lv = Math.min(5, Math.max(2, parseInt(attr("level"), 10) || 2));
    let api;
    let more;
    if (kind === "sport") {
      api = "/api/v1/listings/sport" + (attr("sport") ? "?sport=" + encodeURIComponent(attr("sport")) : "");
    } else if (kind === "search") {
      const p = new URLSearchParams(attr("search"));
      if (attr("q")) p.set("q", attr("q"));
      more = base + "/search?" + p;
      p.set("per_page", Math.min(50, Math.max(1, parseInt(attr("n"), 10) || 10)));
      api = "/api/v1/search?" + p;
    } else {
      set("error");
      return;
    }
    fetch(base + api, {credentials: "omit"})
      .then((r) => {
        if (!r.ok) throw new Error("HTTP " + r.status);
        return r.json();
      })
      .then((d) => {
        style();
        const sec = el("section", "", "");
        const t = attr("theme");
        sec.className = "slb" + (/^(light|dark)$/.test(t) ? " slb-" + t : "") +
          (box.hasAttribute("data-compact") && attr("compact") !== "false" ? " slb-compact" : "");
        const h = el("h" + lv, "title", attr("title") || d.title || "From the Safeguarding resource library");
        h.id = "slb-t" + ++seq + Math.random().toString(36).slice(2, 8);
        sec.setAttribute("aria-labelledby", h.id);
        const foot = el("p", "foot");
        if (kind === "sport") {
          sec.append(h, sport(d, lv + 1));
          foot.append("From the ", link(d.library_url || base, "Safeguarding resource library"));
        } else {
          sec.append(h, d.total ? search(d, lv + 1) : el("p", "empty", "Nothing in the library matches this yet."));
          foot.append(d.total + (d.total === 1 ? " result" : " results") + ". See them in the ",
            link(more, "Safeguarding resource library"));
        }
        sec.append(foot);
        box.replaceChildren(sec);
        set("done");
      })
      .catch(() => set("error"));
  };

  const run = () => document.querySelectorAll("[data-safelib]").forEach(load);
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", run);
  else run();
})();
