import { UriTemplate } from '@modelcontextprotocol/sdk/shared/uriTemplate.js';
import { useMemo } from 'react';
import type { McpExchange, ResourceInfo, ResourceTemplateInfo } from '../../../shared/api.js';
import { useApi } from '../api-context.js';
import { CompletionField } from '../components/CompletionField.js';
import { fieldId } from '../field-id.js';
import { useCompletionForm } from '../use-completion-form.js';
import { useExchange } from '../use-exchange.js';
import { ExchangeView } from './ExchangeView.js';
import { RunnerHead } from './RunnerHead.js';

interface ResourceContent {
  uri?: string;
  mimeType?: string;
  text?: string;
  blob?: string;
}

/** Reads `uri` on "Read resource" and shows its contents and the raw JSON. */
function useRead(remote: string) {
  const api = useApi();
  const { running, result, error, run } = useExchange<McpExchange>();
  return { running, result, error, read: (uri: string) => run(() => api.readResource(remote, uri)) };
}

function Contents({ result }: { result: McpExchange }) {
  const contents = ((result.raw as { contents?: ResourceContent[] } | undefined)?.contents ?? []).filter((c) => c && typeof c === 'object');
  return (
    <ul className="resource-contents" aria-label="Resource contents">
      {contents.map((c, i) => (
        <li key={i}>
          <div className="small">
            <span className="mono">{c.uri}</span>
            {c.mimeType ? <span className="type-tag">{c.mimeType}</span> : null}
          </div>
          {typeof c.text === 'string' ? (
            <pre className="mono json resource-text">{c.text}</pre>
          ) : typeof c.blob === 'string' ? (
            <p className="muted small">binary, {Math.floor((c.blob.length * 3) / 4)} bytes (base64 in the result JSON)</p>
          ) : null}
        </li>
      ))}
    </ul>
  );
}

/** A read's one-line error, or its contents and raw JSON. */
function ReadOutcome({ error, result }: { error: string | undefined; result: McpExchange | undefined }) {
  return (
    <>
      {error ? <div className="banner error">{error}</div> : null}
      {result ? (
        <ExchangeView exchange={result} testId="resource-result">
          <Contents result={result} />
        </ExchangeView>
      ) : null}
    </>
  );
}

/** A listed resource: its URI and a Read button. */
export function ResourceReader({ remote, resource }: { remote: string; resource: ResourceInfo }) {
  const { running, result, error, read } = useRead(remote);
  return (
    <div className="tool-runner">
      <RunnerHead name={resource.name} uri={resource.uri} description={resource.description} />
      <div className="form-actions">
        <button type="button" className="btn primary" disabled={running} onClick={() => read(resource.uri)}>
          {running ? 'Reading…' : 'Read resource'}
        </button>
      </div>
      <ReadOutcome error={error} result={result} />
    </div>
  );
}

/** A resource template: a field per URI variable, the URI they make, and a Read button. */
export function TemplateReader({ remote, template }: { remote: string; template: ResourceTemplateInfo }) {
  const { running, result, error, read } = useRead(remote);
  const parsed = useMemo(() => {
    try {
      return new UriTemplate(template.uriTemplate);
    } catch {
      return undefined;
    }
  }, [template.uriTemplate]);
  const names = parsed?.variableNames ?? [];
  const form = useCompletionForm(remote, 'ref/resource', template.uriTemplate);
  const uri = parsed ? parsed.expand(form.filled) : template.uriTemplate;

  return (
    <div className="tool-runner">
      <RunnerHead name={template.name} uri={template.uriTemplate} description={template.description} />
      <form
        className="form schema-form"
        noValidate
        onSubmit={(e) => {
          e.preventDefault();
          if (form.check(names)) read(uri);
        }}
      >
        {names.map((n) => (
          <CompletionField
            key={n}
            id={fieldId('template', template.name, n)}
            name={n}
            required
            {...form.fieldProps(n)}
          />
        ))}
        <p className="small">
          <span className="muted">URI </span>
          <span className="mono" data-testid="template-uri">
            {uri}
          </span>
        </p>
        <div className="form-actions">
          <button type="submit" className="btn primary" disabled={running}>
            {running ? 'Reading…' : 'Read resource'}
          </button>
        </div>
      </form>
      <ReadOutcome error={error} result={result} />
    </div>
  );
}
