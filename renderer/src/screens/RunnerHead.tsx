/** The head of a tool, prompt or resource pane: its title (and its name where the title differs), its URI, what it is for. */
export function RunnerHead({ name, title, uri, description }: { name: string; title?: string; uri?: string; description?: string }) {
  return (
    <>
      <h2>
        {title ?? name}
        {title && title !== name ? <span className="mono muted tool-name">{name}</span> : null}
      </h2>
      {uri ? <p className="mono small">{uri}</p> : null}
      {description ? <p className="muted">{description}</p> : null}
    </>
  );
}
