import { useState } from 'react';
import { DEFAULT_TOOL_ACTIONS, SSH_TOOL_NAMES, TOOL_ACTIONS, type SshToolName, type ToolAction } from '../../../shared/tools.js';
import type { RemoteFormValues } from '../remote-form-values.js';
import { actionsOfForm, GUARDED_TOOLS, riskyChoiceOf, rulePatternError, withToolAction, type RuleDraft, type ToolActions } from '../tool-policy-draft.js';

type Set = <K extends keyof RemoteFormValues>(key: K, value: RemoteFormValues[K]) => void;

/**
 * "Customize per tool…": every built-in tool with what it does for this remote, and the command rules.
 * Only what the person changes here differs from what was saved (hand-written settings stay as they were).
 */
export function ToolPolicyEditor({ values, set, rulesError }: { values: RemoteFormValues; set: Set; rulesError?: string }) {
  // The table starts from what the one choice stands for, so switching to per-tool keeps what was chosen.
  const tools: ToolActions = actionsOfForm(values.riskyTools, values.toolActions);
  const setTool = (tool: SshToolName, action: ToolAction | undefined) => {
    const next = withToolAction(tools, tool, action);
    set('toolActions', next);
    set('riskyTools', riskyChoiceOf(next));
  };
  const patternErrors = values.commandRules.map((r) => rulePatternError(r.pattern));
  const setRule = (i: number, rule: Partial<RuleDraft>) => set('commandRules', values.commandRules.map((r, j) => (j === i ? { ...r, ...rule } : r)));
  // Opened by the person or by a saved custom policy; never closed under them (Reset to defaults keeps it open).
  const [open, setOpen] = useState(() => values.riskyTools === 'custom' || values.commandRules.length > 0);
  const reset = () => {
    set('toolActions', {});
    set('riskyTools', 'ask');
    set('commandRules', []);
  };
  return (
    <details className="tool-policy" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary>Customize per tool…</summary>
      <div className="field-hint">
        Root shells by sudo (sudo -s, sudo -i, sudo su, sudo bash) and writes to /etc/sudoers are always refused, whatever is set here.
      </div>
      <table className="tool-policy-table" aria-label="Tool policy">
        <thead>
          <tr>
            <th>Tool</th>
            <th>Does</th>
          </tr>
        </thead>
        <tbody>
          {SSH_TOOL_NAMES.map((tool) => (
            <tr key={tool} data-tool={tool}>
              <td>
                <code>{tool}</code>
                {GUARDED_TOOLS.has(tool) ? <span className="field-hint guarded">root shells by sudo, /etc/sudoers: always refused</span> : null}
              </td>
              <td>
                <select
                  aria-label={`Policy for ${tool}`}
                  value={tools[tool] ?? ''}
                  onChange={(e) => setTool(tool, e.target.value === '' ? undefined : (e.target.value as ToolAction))}
                >
                  <option value="">{`${DEFAULT_TOOL_ACTIONS[tool]} (default)`}</option>
                  {TOOL_ACTIONS.map((a) => (
                    <option key={a} value={a}>
                      {a}
                    </option>
                    ))}
                  </select>
                </td>
              </tr>
          ))}
        </tbody>
      </table>

      <h4>Command rules</h4>
      <div className="field-hint">
        Regular expressions over the command (ssh_execute, ssh_sudo_execute) and shell input (ssh_shell_send) that always ask or always deny. A deny rule wins.
      </div>
      <ul className="command-rules" aria-label="Command rules">
        {values.commandRules.map((rule, i) => {
          const error = patternErrors[i];
          return (
            <li key={i} data-rule={i}>
              <select aria-label={`Rule ${i + 1} action`} value={rule.action} onChange={(e) => setRule(i, { action: e.target.value as RuleDraft['action'] })}>
                <option value="ask">ask</option>
                <option value="deny">deny</option>
              </select>
              <input
                type="text"
                className="mono"
                aria-label={`Rule ${i + 1} pattern`}
                aria-invalid={error ? true : undefined}
                aria-describedby={error ? `rule-${i}-error` : undefined}
                value={rule.pattern}
                placeholder="^rm "
                autoComplete="off"
                spellCheck={false}
                onChange={(e) => setRule(i, { pattern: e.target.value })}
              />
              <input
                type="text"
                aria-label={`Rule ${i + 1} description`}
                value={rule.description}
                placeholder="why (shown to the person asked)"
                autoComplete="off"
                onChange={(e) => setRule(i, { description: e.target.value })}
              />
              <button type="button" className="btn quiet small" onClick={() => set('commandRules', values.commandRules.filter((_, j) => j !== i))}>
                Remove
              </button>
              {error ? (
                <div className="field-error" id={`rule-${i}-error`} role="alert">
                  {error}
                </div>
              ) : null}
            </li>
          );
        })}
      </ul>
      {rulesError && patternErrors.every((e) => !e) ? <div className="field-error">{rulesError}</div> : null}
      <div className="tool-policy-actions">
        <button type="button" className="btn small" onClick={() => set('commandRules', [...values.commandRules, { pattern: '', action: 'deny', description: '' }])}>
          Add rule
        </button>
        <button type="button" className="btn quiet small" onClick={reset}>
          Reset to defaults
        </button>
      </div>
    </details>
  );
}
