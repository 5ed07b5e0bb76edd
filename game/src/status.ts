/** The status line above the canvas: connection state is always visible, never a frozen screen. */
export type ConnectionState = 'connecting' | 'playing' | 'reconnecting' | 'error';

export function setStatus(state: ConnectionState, text: string): void {
  const el = document.getElementById('status');
  if (!el) return;
  el.dataset.state = state;
  el.textContent = text; // text, never HTML
}

export function setNet(text: string): void {
  const el = document.getElementById('net');
  if (el) el.textContent = text;
}
