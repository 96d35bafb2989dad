// The dashboard's entry: the token menu, the status line, where-you-are crumbs, and the hash router that
// mounts the session list (#/) or one session (#/sessions/<id>); each view returns its disposer.

import { getToken, setToken } from './api.js';
import { el } from './format.js';
import { mountSessionList } from './session-list.js';
import { mountSessionView } from './session-view.js';

const statusLine = document.getElementById('status');
const tokenMenu = document.getElementById('token-menu');
const tokenInput = document.getElementById('token-input');
const crumbs = document.getElementById('crumbs');

/** Shows a message under the bar; errors in red. */
function notify(message, error = false) {
  statusLine.textContent = message;
  statusLine.classList.toggle('error', error);
}

/** Shows an error; a 401 opens the token menu. */
function reportError(error) {
  if (error?.status === 401) {
    notify('The server needs a token: enter it in the Token menu.', true);
    tokenMenu.open = true;
    tokenInput.focus();
  } else {
    notify(error?.message ?? String(error), true);
  }
}

function showCrumbs(sessionId) {
  if (sessionId === null) {
    crumbs.replaceChildren('Sessions');
    return;
  }
  const back = el('a', '', 'Sessions');
  back.href = '#/';
  crumbs.replaceChildren(back, ` / ${sessionId}`);
}

let dispose = () => {};

function route() {
  dispose();
  notify('');
  const match = /^#\/sessions\/(.+)$/.exec(location.hash);
  const ui = { notify, reportError, navigate: (hash) => (location.hash = hash) };
  const sessionId = match === null ? null : decodeURIComponent(match[1]);
  showCrumbs(sessionId);
  document.title = sessionId === null ? 'Burrow' : `${sessionId} · Burrow`;
  dispose = sessionId === null ? mountSessionList(ui) : mountSessionView(sessionId, ui);
}

tokenInput.value = getToken();
document.getElementById('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setToken(tokenInput.value.trim());
  tokenMenu.open = false;
  route();
});
document.getElementById('token-clear').addEventListener('click', () => {
  tokenInput.value = '';
  setToken('');
  tokenMenu.open = false;
  route();
});
window.addEventListener('hashchange', route);
route();
