// The session's tool calls waiting for a person: the tool, its input, when the request expires, and
// Approve / Deny buttons (a deny may say why). A decision names the hash of the call shown.

import { api, coalesce } from './api.js';
import { el } from './format.js';

function approvalNode(approval) {
  const li = el('li', 'approval');
  li.dataset.approvalId = approval.approvalId;
  const head = el('div', 'approval-head');
  head.append(el('span', 'tool-name', approval.toolName), el('span', 'muted', 'wants to run'));
  const input = el('pre', 'approval-input', JSON.stringify(approval.input, null, 2));
  const expires = el('div', 'muted approval-expiry');
  expires.textContent = `expires ${new Date(approval.expiresAt).toLocaleString()}`;
  expires.title = approval.expiresAt;
  const reason = el('input', 'approval-reason');
  reason.type = 'text';
  reason.placeholder = 'reason (optional, for a deny)';
  reason.setAttribute('aria-label', `reason for denying ${approval.toolName}`);
  const approve = el('button', 'primary approve', 'Approve');
  approve.type = 'button';
  approve.dataset.decision = 'approve';
  const deny = el('button', 'danger deny', 'Deny');
  deny.type = 'button';
  deny.dataset.decision = 'deny';
  const actions = el('div', 'approval-actions');
  actions.append(reason, approve, deny);
  li.append(head, input, expires, actions);
  return li;
}

/**
 * Mounts the panel of the session at `path` (`view` holds #approvals-panel, -count and -list):
 * `refresh()` reloads the pending approvals (on `approval.*` events), `dispose()` unmounts.
 */
export function mountApprovalsPanel(view, path, ui) {
  const $ = (selector) => view.querySelector(selector);
  const panel = $('#approvals-panel');
  const list = $('#approvals-list');
  let approvals = [];
  let disposed = false;

  const render = () => {
    list.replaceChildren(...approvals.map(approvalNode));
    $('#approvals-count').textContent = `(${approvals.length})`;
    panel.hidden = approvals.length === 0;
  };
  const refresh = coalesce(async () => {
    try {
      const answer = await api('GET', `${path}/approvals`);
      if (disposed) return;
      approvals = answer.approvals;
      render();
    } catch (error) {
      if (!disposed) ui.reportError(error);
    }
  }, 150);

  const onClick = async (event) => {
    const button = event.target.closest?.('button[data-decision]');
    const item = button?.closest('li[data-approval-id]');
    const approval = approvals.find((a) => a.approvalId === item?.dataset.approvalId);
    if (!button || approval === undefined) return;
    const decision = button.dataset.decision;
    const reason = item.querySelector('.approval-reason').value.trim();
    for (const b of item.querySelectorAll('button')) b.disabled = true;
    try {
      const answer = await api(
        'POST',
        `${path}/approvals/${encodeURIComponent(approval.approvalId)}`,
        {
          decision,
          callHash: approval.callHash,
          ...(decision === 'deny' && reason !== '' ? { reason } : {}),
        },
      );
      const verb = decision === 'approve' ? 'Approved' : 'Denied';
      const again = answer.status === 'deduplicated' ? ' (already decided)' : '';
      ui.notify(`${verb} ${approval.toolName}${again}.`);
    } catch (error) {
      if (!disposed) ui.reportError(error);
    }
    refresh();
  };

  list.replaceChildren();
  panel.hidden = true;
  list.addEventListener('click', onClick);
  refresh();
  return {
    refresh,
    dispose: () => {
      disposed = true;
      refresh.cancel();
      list.removeEventListener('click', onClick);
      panel.hidden = true;
    },
  };
}
