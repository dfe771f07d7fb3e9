/** The server's suggestions for one text field, offered by the browser as the field's drop-down (`list=`). */
export function Suggestions({ id, values }: { id: string; values: string[] | undefined }) {
  return (
    <datalist id={id} data-testid={id}>
      {(values ?? []).map((v) => (
        <option key={v} value={v} />
      ))}
    </datalist>
  );
}
