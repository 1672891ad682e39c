/**
 * Saves text as a file the user downloads: a Blob URL on an `<a download>`,
 * clicked at once and revoked once the download started. Nothing is
 * inserted into the page.
 */
export function downloadText(text: string, fileName: string, type = 'text/plain;charset=utf-8'): void {
  const url = URL.createObjectURL(new Blob([text], { type }));
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  link.rel = 'noopener';
  link.click();
  // The click starts the download synchronously from the URL; revoking in a later task is safe.
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** `conversation-2026-12-06-1948.md`: the local date and time, sortable, valid on every file system. */
export function markdownFileName(date: Date): string {
  const two = (n: number) => String(n).padStart(2, '0');
  return `conversation-${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}-${two(date.getHours())}${two(date.getMinutes())}.md`;
}
