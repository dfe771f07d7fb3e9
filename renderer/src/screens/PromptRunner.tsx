import type { McpExchange, PromptInfo } from '../../../shared/api.js';
import { useApi } from '../api-context.js';
import { CompletionField } from '../components/CompletionField.js';
import { fieldId } from '../field-id.js';
import { useCompletionForm } from '../use-completion-form.js';
import { useExchange } from '../use-exchange.js';
import { ExchangeView } from './ExchangeView.js';
import { RunnerHead } from './RunnerHead.js';

interface PromptMessage {
  role?: string;
  content?: { type?: string; text?: string; mimeType?: string; resource?: { uri?: string; text?: string } };
}

/** One prompt: a field per argument, "Get prompt", then its messages and the raw JSON. */
export function PromptRunner({ remote, prompt }: { remote: string; prompt: PromptInfo }) {
  const api = useApi();
  const args = prompt.arguments ?? [];
  const { running, result, error, run } = useExchange<McpExchange>();
  const form = useCompletionForm(remote, 'ref/prompt', prompt.name);

  const get = () => {
    if (form.check(args.filter((a) => a.required).map((a) => a.name))) run(() => api.getPrompt(remote, prompt.name, form.filled));
  };
  const messages = ((result?.raw as { messages?: PromptMessage[] } | undefined)?.messages ?? []).filter((m) => m && typeof m === 'object');

  return (
    <div className="tool-runner">
      <RunnerHead name={prompt.name} title={prompt.title} description={prompt.description} />
      <form
        className="form schema-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          get();
        }}
      >
        {args.length === 0 ? <p className="muted small">This prompt takes no arguments.</p> : null}
        {args.map((a) => (
          <CompletionField
            key={a.name}
            id={fieldId('prompt', prompt.name, a.name)}
            name={a.name}
            required={a.required === true}
            hint={a.description}
            {...form.fieldProps(a.name)}
          />
        ))}
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
