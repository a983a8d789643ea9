/*
 * UMIG local host: the Confluence side of the page. The app frames run on another origin and
 * reach the page only with postMessage (bridge-shim.js); this script sizes their iframes, runs the
 * macro config dialog, shows flags, relays events between frames and follows navigation requests.
 * Every message is checked: it must come from one of this page's frames, on the apps' origin.
 */
/* global window, document, location */
(function hostPage() {
  'use strict';
  const appsOrigin = document.body.dataset.appsOrigin;
  const dialog = document.getElementById('config-dialog');
  const dialogFrame = dialog.querySelector('.modal-frame');
  const dialogTitle = document.getElementById('config-dialog-title');
  const flags = document.getElementById('flags');
  let dialogOpener;

  // The user switcher submits itself; without script its button does.
  const switcher = document.getElementById('user-switcher');
  if (switcher) switcher.addEventListener('change', () => switcher.form.submit());

  function frames() {
    return [...document.querySelectorAll('iframe.app-frame'), dialogFrame];
  }

  function frameOf(source) {
    return frames().find((frame) => frame.contentWindow === source);
  }

  function openDialog(button) {
    dialogOpener = button;
    dialogTitle.textContent = button.dataset.configTitle || 'Macro settings';
    dialogFrame.dataset.localId = button.dataset.localId;
    dialogFrame.style.height = '';
    dialogFrame.src = button.dataset.configSrc;
    dialog.hidden = false;
    dialogFrame.focus();
  }

  function closeDialog() {
    if (dialog.hidden) return;
    dialog.hidden = true;
    dialogFrame.src = 'about:blank';
    if (dialogOpener) dialogOpener.focus();
  }

  function reloadMacro(localId) {
    const macro = document.querySelector(`.macro[data-local-id="${localId}"] iframe.app-frame`);
    if (macro) macro.setAttribute('src', macro.getAttribute('src'));
  }

  function showFlag(flag) {
    const id = String(flag.id || Math.random());
    const element = document.createElement('div');
    element.className = `flag ${['success', 'warning', 'error', 'info'].includes(flag.type) ? flag.type : 'info'}`;
    element.dataset.flagId = id;
    element.setAttribute('role', flag.type === 'error' || flag.type === 'warning' ? 'alert' : 'status');
    const title = document.createElement('strong');
    title.textContent = String(flag.title || '');
    element.appendChild(title);
    if (flag.description) {
      const description = document.createElement('p');
      description.textContent = String(flag.description);
      element.appendChild(description);
    }
    const dismiss = document.createElement('button');
    dismiss.type = 'button';
    dismiss.className = 'button subtle';
    dismiss.textContent = 'Dismiss';
    dismiss.addEventListener('click', () => element.remove());
    element.appendChild(dismiss);
    flags.appendChild(element);
    if (flag.isAutoDismiss !== false) setTimeout(() => element.remove(), 8000);
  }

  document.querySelectorAll('.macro-edit').forEach((button) => button.addEventListener('click', () => openDialog(button)));
  dialog.querySelector('.modal-close').addEventListener('click', closeDialog);
  dialog.addEventListener('click', (event) => {
    if (event.target === dialog) closeDialog();
  });
  document.addEventListener('keydown', (event) => {
    if (event.key === 'Escape') closeDialog();
  });

  window.addEventListener('message', (event) => {
    const data = event.data;
    if (event.origin !== appsOrigin || !data || data.source !== 'umig-local-bridge') return;
    const frame = frameOf(event.source);
    if (!frame) return;
    switch (data.type) {
      case 'resize':
        if (typeof data.height === 'number' && data.height >= 0) frame.style.height = `${Math.max(48, Math.min(data.height, 20000))}px`;
        break;
      case 'close':
        if (frame === dialogFrame) closeDialog();
        break;
      case 'submitted':
        if (frame === dialogFrame) {
          const localId = dialogFrame.dataset.localId;
          closeDialog();
          reloadMacro(localId);
        }
        break;
      case 'flag':
        if (data.flag && typeof data.flag === 'object') showFlag(data.flag);
        break;
      case 'closeFlag':
        flags.querySelectorAll('.flag').forEach((element) => {
          if (element.dataset.flagId === String(data.id)) element.remove();
        });
        break;
      case 'emit':
        // Forge delivers an app's events to its other frames on the page.
        frames()
          .filter((other) => other !== frame && other.contentWindow)
          .forEach((other) => other.contentWindow.postMessage({ source: 'umig-local-host', type: 'event', event: data.event, payload: data.payload }, appsOrigin));
        break;
      case 'navigate': {
        let url;
        try {
          url = new URL(String(data.url), location.href);
        } catch {
          return;
        }
        if (url.protocol !== 'http:' && url.protocol !== 'https:') return;
        if (data.newTab) window.open(url.href, '_blank', 'noopener');
        else location.assign(url.href);
        break;
      }
      case 'reload':
        location.reload();
        break;
      case 'title':
        document.title = String(data.title).slice(0, 200);
        break;
      default:
        break;
    }
  });
})();
