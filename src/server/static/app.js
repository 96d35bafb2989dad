// The dashboard's entry: the token form, the status line, and the hash router that mounts the session
// list (#/) or one session (#/sessions/<id>); each view returns a function that disposes of it.

import { getToken, setToken } from './api.js';
import { mountSessionList } from './session-list.js';
import { mountSessionView } from './session-view.js';

const statusLine = document.getElementById('status');

/** Shows a message under the bar; errors in red. A 401 points at the token field. */
function notify(message, error = false) {
  statusLine.textContent = message;
  statusLine.classList.toggle('error', error);
}

function reportError(error) {
  if (error?.status === 401) {
    notify('The server needs a token: enter it above.', true);
    document.getElementById('token-input').focus();
  } else {
    notify(error?.message ?? String(error), true);
  }
}

let dispose = () => {};

function route() {
  dispose();
  notify('');
  const match = /^#\/sessions\/(.+)$/.exec(location.hash);
  const ui = { notify, reportError, navigate: (hash) => (location.hash = hash) };
  if (match !== null) dispose = mountSessionView(decodeURIComponent(match[1]), ui);
  else dispose = mountSessionList(ui);
}

const tokenInput = document.getElementById('token-input');
tokenInput.value = getToken();
document.getElementById('token-form').addEventListener('submit', (event) => {
  event.preventDefault();
  setToken(tokenInput.value.trim());
  route();
});
document.getElementById('token-clear').addEventListener('click', () => {
  tokenInput.value = '';
  setToken('');
  route();
});
window.addEventListener('hashchange', route);
route();
