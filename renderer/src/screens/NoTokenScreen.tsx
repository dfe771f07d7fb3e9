/** A page opened without its token: nothing is served, so say how to get the right link. */
export function NoTokenScreen() {
  return (
    <div className="center-page">
      <div className="card narrow">
        <h1>Open Burrow from its link</h1>
        <p>
          This page needs the link that <code>burrow daemon --ui</code> printed, with its <code>#token=…</code>. Without it, Burrow shows
          nothing.
        </p>
        <p className="muted">
          Run <code>burrow ui</code> to get the link of the running Burrow (it opens it for you), or open Burrow from the tray.
        </p>
      </div>
    </div>
  );
}
