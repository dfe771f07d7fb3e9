import { useState } from 'react';
import { errorText, useApi } from '../api-context.js';

/**
 * The Remotes screen while nothing is saved: offers Burrow's demo remote (one click, nothing installed elsewhere)
 * and says how to add a real machine.
 */
export function FirstStart({ onAdded }: { onAdded: () => void }) {
  const api = useApi();
  const [adding, setAdding] = useState(false);
  const [error, setError] = useState<string>();
  const addDemo = () => {
    setAdding(true);
    setError(undefined);
    api.addDemoRemote().then(onAdded, (e) => {
      setError(errorText(e));
      setAdding(false);
    });
  };
  return (
    <div className="empty first-start" aria-label="Get started">
      <h2>No remotes yet: try the demo</h2>
      <p>
        The demo remote is a small MCP server that ships with Burrow (tools <code>echo</code>, <code>add</code> and <code>where-am-i</code>, a prompt and
        two resources). Burrow serves it on its own SSH server on this computer (127.0.0.1) and reaches it like any remote: over SSH, after you approve
        its host key. Nothing leaves this machine, and you can remove it at any time.
      </p>
      {error ? <div className="banner error">{error}</div> : null}
      <p>
        <button className="btn primary" onClick={addDemo} disabled={adding}>
          {adding ? 'Adding…' : 'Add the demo remote'}
        </button>
      </p>
      <p className="muted">
        For a real machine, choose <strong>Add remote</strong> above: its SSH address (or a Host from your ~/.ssh/config) and the command that starts its
        MCP server.
      </p>
    </div>
  );
}
