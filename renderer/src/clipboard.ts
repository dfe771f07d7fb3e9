/**
 * Puts text on the clipboard. navigator.clipboard exists only in secure contexts (https, localhost, the app's
 * own page) and may be refused; the web UI reached as http://127.0.0.1 from another tab may lack it, so the old
 * way (a hidden textarea and execCommand) is the fallback. Returns whether the text was copied.
 */
export async function copyText(text: string): Promise<boolean> {
  try {
    if (navigator.clipboard?.writeText) {
      await navigator.clipboard.writeText(text);
      return true;
    }
  } catch {
    // refused (no permission, page not focused): try the old way
  }
  const area = document.createElement('textarea');
  area.value = text;
  area.setAttribute('readonly', '');
  area.style.position = 'fixed';
  area.style.opacity = '0';
  document.body.appendChild(area);
  area.select();
  try {
    return document.execCommand('copy');
  } catch {
    return false;
  } finally {
    area.remove();
  }
}
