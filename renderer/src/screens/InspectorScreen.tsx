import { useEffect, useState } from 'react';
import type { McpExchange, RemoteCatalog, RemoteStatus, ToolCallResult, ToolInfo } from '../../../shared/api.js';
import { inspectTarget, runsServer, type Remote } from '../../../shared/remote.js';
import { BUILT_IN_TOOLS_TARGET } from '../../../shared/tools.js';
import { errorText, useApi } from '../api-context.js';
import { STATE_LABELS, StatusDot } from '../components/StatusDot.js';
import type { TrafficLog } from '../traffic-log.js';
import { useExchange } from '../use-exchange.js';
import { ExchangeView, RawJson } from './ExchangeView.js';
import { PromptRunner } from './PromptRunner.js';
import { ResourceReader, TemplateReader } from './ResourceReader.js';
import { RunnerHead } from './RunnerHead.js';
import { SchemaForm } from './SchemaForm.js';
import { TrafficView } from './TrafficView.js';

type Tab = 'tools' | 'prompts' | 'resources';

const EMPTY_HINT: Record<Tab, string> = {
  tools: 'Choose a tool to see its schema and run it.',
  prompts: 'Choose a prompt to fill in its arguments and get it.',
  resources: 'Choose a resource to read it, or a template to fill in its URI.',
};

/** The list requests behind each tab, for its raw JSON. */
const LIST_METHODS: Record<Tab, string[]> = { tools: ['tools/list'], prompts: ['prompts/list'], resources: ['resources/list', 'resources/templates/list'] };

interface Props {
  remotes: Remote[];
  statuses: Record<string, RemoteStatus>;
  selected?: string;
  onSelect: (name: string) => void;
  traffic: TrafficLog;
  catalogVersion: Record<string, number>;
  /** What a remote's connection waits for from a person ("Waiting for a passphrase…"), by remote. */
  waiting?: Record<string, string>;
}

/** A remote's live tools, prompts and resources, a tool runner, and the traffic of every session. */
export function InspectorScreen({ remotes, statuses, selected, onSelect, traffic, catalogVersion, waiting }: Props) {
  const api = useApi();
  // Remotes that run an MCP server, then Burrow's built-in SSH tools when a remote has them on. A remote saved for
  // the tools alone (from its row, the tray or a link) opens the tools.
  const targets = [
    ...remotes.filter(runsServer).map((r) => ({ name: r.name, label: r.name })),
    ...(remotes.some((r) => r.tools?.enabled) ? [{ name: BUILT_IN_TOOLS_TARGET, label: 'Built-in SSH tools' }] : []),
  ];
  const chosen = remotes.find((r) => r.name === selected);
  const wanted = chosen ? inspectTarget(chosen) : selected;
  const remote = wanted && targets.some((t) => t.name === wanted) ? wanted : targets[0]?.name;
  const [catalog, setCatalog] = useState<RemoteCatalog>();
  const [loading, setLoading] = useState(false);
  const [error, setError] = useState<string>();
  const [tab, setTab] = useState<Tab>('tools');
  const [toolName, setToolName] = useState<string>();
  const [promptName, setPromptName] = useState<string>();
  /** `resource URI` or `template URI-TEMPLATE`: the two share the Resources tab. */
  const [resourceKey, setResourceKey] = useState<string>();
  const [refresh, setRefresh] = useState(0);
  const version = remote ? catalogVersion[remote] ?? 0 : 0;

  useEffect(() => {
    if (!remote) return;
    let live = true;
    setLoading(true);
    setError(undefined);
    api.catalog(remote).then(
      (c) => {
        if (!live) return;
        setCatalog(c);
        setLoading(false);
      },
      (e) => {
        if (!live) return;
        setCatalog(undefined);
        setError(errorText(e));
        setLoading(false);
      },
    );
    return () => {
      live = false;
    };
  }, [api, remote, version, refresh]);

  const status = remote ? statuses[remote] : undefined;
  const tool = catalog?.remote === remote ? catalog?.tools.find((t) => t.name === toolName) : undefined;
  const shown = catalog?.remote === remote ? catalog : undefined;
  const prompt = shown?.prompts.find((p) => p.name === promptName);
  const resource = shown?.resources.find((r) => `resource ${r.uri}` === resourceKey);
  const template = shown?.resourceTemplates.find((r) => `template ${r.uriTemplate}` === resourceKey);
  const lists: McpExchange[] = (shown?.lists ?? []).filter((x) => LIST_METHODS[tab].includes(x.request.method));

  return (
    <section className="screen inspector">
      <header className="screen-head compact">
        <h1>Inspector</h1>
        {targets.length > 0 ? (
          <div className="inspector-pick">
            <label htmlFor="inspector-remote" className="muted small">
              Remote
            </label>
            <select id="inspector-remote" value={remote} onChange={(e) => onSelect(e.target.value)}>
              {targets.map((t) => (
                <option key={t.name} value={t.name}>
                  {t.label}
                </option>
              ))}
            </select>
            {status ? (
              <span className="inline-state">
                <StatusDot state={status.state} /> {STATE_LABELS[status.state]}
              </span>
            ) : null}
            {shown?.serverName ? (
              <span className="muted small" data-testid="server-info">
                {shown.serverName} {shown.serverVersion}
              </span>
            ) : null}
            <button className="btn small quiet" onClick={() => setRefresh((n) => n + 1)} disabled={loading}>
              {loading ? 'Loading…' : 'Reload'}
            </button>
          </div>
        ) : null}
      </header>
      {targets.length === 0 ? (
        <div className="empty">
          <p>No remotes to inspect yet.</p>
          <p className="muted">Add one under Remotes; its tools, prompts and resources show here.</p>
        </div>
      ) : (
        <div className="inspector-body">
          {error ? <div className="banner error">{error}</div> : null}
          <div className="inspector-main">
            <div className="catalog-list">
              <div className="tabs" role="tablist">
                {(['tools', 'prompts', 'resources'] as Tab[]).map((t) => (
                  <button key={t} role="tab" aria-selected={tab === t} className={`tab${tab === t ? ' on' : ''}`} onClick={() => setTab(t)}>
                    {t[0].toUpperCase() + t.slice(1)}
                    <span className="count">{shown ? (t === 'resources' ? shown.resources.length + shown.resourceTemplates.length : shown[t].length) : ''}</span>
                  </button>
                ))}
              </div>
              <ul className="catalog-items" aria-label={tab}>
                {tab === 'tools' &&
                  shown?.tools.map((t) => (
                    <li key={t.name}>
                      <button className={`catalog-item${t.name === toolName ? ' on' : ''}`} onClick={() => setToolName(t.name)}>
                        <span className="mono">{t.name}</span>
                        {t.description ? <span className="catalog-desc">{t.description}</span> : null}
                      </button>
                    </li>
                  ))}
                {tab === 'prompts' &&
                  shown?.prompts.map((p) => (
                    <li key={p.name}>
                      <button className={`catalog-item${p.name === promptName ? ' on' : ''}`} onClick={() => setPromptName(p.name)}>
                        <span className="mono">{p.name}</span>
                        {p.description ? <span className="catalog-desc">{p.description}</span> : null}
                        {p.arguments?.length ? (
                          <span className="catalog-args mono">({p.arguments.map((a) => `${a.name}${a.required ? '' : '?'}`).join(', ')})</span>
                        ) : null}
                      </button>
                    </li>
                  ))}
                {tab === 'resources' && (
                  <>
                    {shown?.resources.map((r) => (
                      <li key={r.uri}>
                        <button className={`catalog-item${`resource ${r.uri}` === resourceKey ? ' on' : ''}`} onClick={() => setResourceKey(`resource ${r.uri}`)}>
                          <span>
                            {r.name}
                            {r.mimeType ? <span className="type-tag">{r.mimeType}</span> : null}
                          </span>
                          <span className="catalog-desc mono">{r.uri}</span>
                        </button>
                      </li>
                    ))}
                    {shown?.resourceTemplates.map((r) => (
                      <li key={r.uriTemplate}>
                        <button className={`catalog-item${`template ${r.uriTemplate}` === resourceKey ? ' on' : ''}`} onClick={() => setResourceKey(`template ${r.uriTemplate}`)}>
                          <span>
                            {r.name}
                            <span className="type-tag">template</span>
                          </span>
                          <span className="catalog-desc mono">{r.uriTemplate}</span>
                        </button>
                      </li>
                    ))}
                  </>
                )}
              </ul>
            </div>
            <div className="tool-pane">
              {tab === 'tools' && tool && remote ? (
                <ToolRunner key={`${remote}/${tool.name}`} remote={remote} tool={tool} />
              ) : tab === 'prompts' && prompt && remote ? (
                <PromptRunner key={`${remote}/${prompt.name}`} remote={remote} prompt={prompt} />
              ) : tab === 'resources' && resource && remote ? (
                <ResourceReader key={`${remote}/${resource.uri}`} remote={remote} resource={resource} />
              ) : tab === 'resources' && template && remote ? (
                <TemplateReader key={`${remote}/${template.uriTemplate}`} remote={remote} template={template} />
              ) : (
                <div className="empty small-empty muted">{loading ? ((remote && waiting?.[remote]) ?? 'Connecting…') : EMPTY_HINT[tab]}</div>
              )}
              {lists.length ? <RawJson title={`${LIST_METHODS[tab].join(' and ')} JSON`} value={lists.map((x) => ({ request: x.request, result: x.raw }))} testId="raw-list" /> : null}
            </div>
          </div>
          <TrafficView log={traffic} />
        </div>
      )}
    </section>
  );
}

function ToolRunner({ remote, tool }: { remote: string; tool: ToolInfo }) {
  const api = useApi();
  const { running, result, error, run } = useExchange<ToolCallResult>();
  return (
    <div className="tool-runner">
      <RunnerHead name={tool.name} title={tool.title} description={tool.description} />
      <details className="schema">
        <summary>Input schema</summary>
        <pre className="mono json">{JSON.stringify(tool.inputSchema, null, 2)}</pre>
      </details>
      {tool.outputSchema ? (
        <details className="schema">
          <summary>Output schema</summary>
          <pre className="mono json">{JSON.stringify(tool.outputSchema, null, 2)}</pre>
        </details>
      ) : null}
      <SchemaForm schema={tool.inputSchema} running={running} onRun={(args) => run(() => api.callTool(remote, tool.name, args))} idPrefix={`arg-${tool.name}`} />
      {error ? <div className="banner error">{error}</div> : null}
      {result ? <ExchangeView exchange={result} testId="tool-result" /> : null}
    </div>
  );
}
