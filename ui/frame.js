// The portal's frame fix-ups (see ui/frame.py). Runs again whenever the run's settings change (a language switch);
// one observer and one click listener serve the whole browser session, reading the latest settings.
(() => {
  const frame = window.__geFrame || (window.__geFrame = {written: new WeakMap()});
  const settings = __GE_FRAME_SETTINGS__;
  const ATTRIBUTES = ["aria-label", "placeholder", "title"];
  const NARROW = "(max-width: 767.98px)";  // Streamlit's md breakpoint: below it the sidebar lies over the page

  const pattern = (english) => new RegExp("^" + english.replace(/[.*+?^$()|[\]\\]/g, "\\$&")
    .replace(/\\?\{\w+\\?\}/g, "(.+?)") + "$");
  const fill = (template, params) => {  // placeholders in order: each text here has at most one
    let index = 0;
    return template.replace(/\{\w+\}/g, () => params[index++] ?? "");
  };
  frame.texts = settings.texts.map(([english, target]) => ({match: pattern(english), target}));

  // The text a string should read in this language: Streamlit's English, or what an earlier run wrote here.
  const translate = (value, owner, slot) => {
    const core = value.trim();
    if (!core || core.length > 300) return null;
    const earlier = frame.written.get(owner)?.[slot];
    let found = null;
    if (earlier && earlier.text === core) found = earlier;
    else {
      for (let index = 0; index < frame.texts.length && !found; index++) {
        const hit = frame.texts[index].match.exec(core);
        if (hit) found = {index, params: hit.slice(1)};
      }
    }
    if (!found) return null;
    const text = fill(frame.texts[found.index].target, found.params);
    const record = frame.written.get(owner) || {};
    record[slot] = {index: found.index, params: found.params, text};
    frame.written.set(owner, record);
    return text === core ? null : value.replace(core, () => text);  // a function: no "$&" patterns
  };

  // Material icons are ligature text ("volunteer_activism"): drawn from an attribute instead, out of innerText.
  const hideLigature = (icon) => {
    const name = icon.textContent.trim();
    if (name) {
      icon.dataset.geIcon = name;
      icon.textContent = "";
    }
    icon.setAttribute("aria-hidden", "true");
  };

  const setAttr = (element, name, value) => {
    if (element.getAttribute(name) !== value) element.setAttribute(name, value);
  };

  // Streamlit's nav puts div sections straight into its ul list: each section becomes the list, named by its header.
  const fixNav = () => {
    const list = document.querySelector('[data-testid="stSidebarNavItems"]');
    if (!list || !list.querySelector(":scope > div")) return;
    setAttr(list, "role", "none");
    for (const section of list.querySelectorAll(":scope > div")) {
      setAttr(section, "role", "list");
      const header = section.querySelector(":scope > header");
      if (header) {
        setAttr(header, "role", "presentation");
        const name = header.textContent.trim();
        if (name) setAttr(section, "aria-label", name);
      }
    }
  };

  const translateText = (node) => {
    const parent = node.parentElement;
    if (!parent || parent.closest('script, style, noscript, textarea, [data-testid="stIconMaterial"]')) return;
    const text = translate(node.nodeValue, node, "text");
    if (text !== null) node.nodeValue = text;
  };

  const visit = (root) => {
    if (root.nodeType === Node.TEXT_NODE) {
      const icon = root.parentElement?.closest('[data-testid="stIconMaterial"]');
      if (icon) hideLigature(icon);
      else translateText(root);
      return;
    }
    if (root.nodeType !== Node.ELEMENT_NODE) return;
    for (const element of [root, ...root.querySelectorAll("*")]) {
      if (element.matches('[data-testid="stIconMaterial"]')) hideLigature(element);
      for (const name of ATTRIBUTES) {
        const value = element.getAttribute(name);
        const text = value && translate(value, element, name);
        if (text) element.setAttribute(name, text);
      }
    }
    const texts = [];
    const walker = document.createTreeWalker(root, NodeFilter.SHOW_TEXT);
    while (walker.nextNode()) texts.push(walker.currentNode);
    texts.forEach(translateText);
  };

  const apply = () => {
    document.documentElement.lang = settings.lang;
    visit(document.body);
    fixNav();
  };

  if (frame.observer) frame.observer.disconnect();
  frame.observer = new MutationObserver((mutations) => {
    frame.observer.disconnect();  // what this callback writes is not news to itself
    for (const mutation of mutations) {
      if (mutation.type === "childList") mutation.addedNodes.forEach(visit);
      else visit(mutation.target);
    }
    fixNav();
    observe();
  });
  const observe = () => frame.observer.observe(document.body, {
    subtree: true, childList: true, characterData: true, attributes: true, attributeFilter: ATTRIBUTES,
  });
  apply();
  observe();
  frame.applied = settings.lang;  // what the browser tests wait for: the styles and fix-ups are in place

  // On a narrow screen a chosen page must not stay covered by the menu. Streamlit closes it itself only for a
  // phone's user agent (tablets and desktop-mode browsers keep it open), so close whatever is still open.
  if (!frame.closesMenu) {
    frame.closesMenu = true;
    document.addEventListener("click", (event) => {
      if (!event.target.closest('[data-testid="stSidebarNav"] a') || !window.matchMedia(NARROW).matches) return;
      setTimeout(() => {
        const sidebar = document.querySelector('[data-testid="stSidebar"]');
        if (sidebar && sidebar.dataset.collapsed === "false") {
          sidebar.querySelector('[data-testid="stSidebarCollapseButton"] button')?.click();
        }
      });
    });
  }
})();
