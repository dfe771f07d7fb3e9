import { useState } from 'react';
import type { McpExchange, PromptInfo } from '../../../shared/api.js';
import { errorText, useApi } from '../api-context.js';
import { Suggestions } from '../components/Suggestions.js';
import { fieldId } from '../field-id.js';
import { useCompletions } from '../use-completions.js';
import { ExchangeView } from './ExchangeView.js';

interface PromptMessage {
  role?: string;
  content?: { type?: string; text?: string; mimeType?: string; resource?: { uri?: string; text?: string } };
}

/** One prompt: a field per argument, "Get prompt", then its messages and the raw JSON. */
export function PromptRunner({ remote, prompt }: { remote: string; prompt: PromptInfo }) {
  const api = useApi();
  const args = prompt.arguments ?? [];
  const [values, setValues] = useState<Record<string, string>>({});
  const [missing, setMissing] = useState<string[]>([]);
  const [running, setRunning] = useState(false);
  const [result, setResult] = useState<McpExchange>();
  const [error, setError] = useState<string>();
  const [active, setActive] = useState<string>();
  const suggestions = useCompletions(remote, 'ref/prompt', prompt.name, values, active);

  const get = () => {
    const empty = args.filter((a) => a.required && !values[a.name]?.length).map((a) => a.name);
    setMissing(empty);
    if (empty.length) return;
    // Arguments left empty are not sent: the server applies its own default for an optional one.
    const filled = Object.fromEntries(Object.entries(values).filter(([, v]) => v.length > 0));
    setRunning(true);
    setError(undefined);
    api.getPrompt(remote, prompt.name, filled).then(
      (r) => {
        setResult(r);
        setRunning(false);
      },
      (e) => {
        setError(errorText(e));
        setRunning(false);
      },
    );
  };
  const messages = ((result?.raw as { messages?: PromptMessage[] } | undefined)?.messages ?? []).filter((m) => m && typeof m === 'object');

  return (
    <div className="tool-runner">
      <h2>
        {prompt.title ?? prompt.name}
        {prompt.title && prompt.title !== prompt.name ? <span className="mono muted tool-name">{prompt.name}</span> : null}
      </h2>
      {prompt.description ? <p className="muted">{prompt.description}</p> : null}
      <form
        className="form schema-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          get();
        }}
      >
        {args.length === 0 ? <p className="muted small">This prompt takes no arguments.</p> : null}
        {args.map((a) => {
          const id = fieldId('prompt', prompt.name, a.name);
          const wrong = missing.includes(a.name);
          return (
            <div key={a.name} className={`field${wrong ? ' has-error' : ''}`}>
              <label htmlFor={id}>
                {a.name}
                {a.required ? <span className="req" aria-label="required"> *</span> : null}
              </label>
              <input
                id={id}
                type="text"
                list={`${id}-suggestions`}
                value={values[a.name] ?? ''}
                spellCheck={false}
                onFocus={() => setActive(a.name)}
                onChange={(e) => setValues((v) => ({ ...v, [a.name]: e.target.value }))}
              />
              <Suggestions id={`${id}-suggestions`} values={suggestions[a.name]} />
              {wrong ? <div className="field-error">{a.name} is required</div> : a.description ? <div className="field-hint">{a.description}</div> : null}
            </div>
          );
        })}
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={running}>
            {running ? 'Getting…' : 'Get prompt'}
          </button>
        </div>
      </form>
      {error ? <div className="banner error">{error}</div> : null}
      {result ? (
        <ExchangeView exchange={result} testId="prompt-result">
          <ol className="prompt-messages" aria-label="Prompt messages">
            {messages.map((m, i) => (
              <li key={i}>
                <span className="pill pill-quiet">{m.role ?? '?'}</span>
                <span className="prompt-text">{describeContent(m.content)}</span>
              </li>
            ))}
          </ol>
        </ExchangeView>
      ) : null}
    </div>
  );
}

function describeContent(content: PromptMessage['content']): string {
  if (!content) return '';
  if (content.type === 'text') return content.text ?? '';
  if (content.type === 'resource') return content.resource?.text ?? content.resource?.uri ?? '(resource)';
  return `(${content.type ?? 'content'}${content.mimeType ? `, ${content.mimeType}` : ''})`;
}
