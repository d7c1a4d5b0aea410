// Which redirect URIs an OAuth client may register (sync-auth §11 item 16 fixed; RFC 8252 §7.3,
// OAuth 2.1 §2.3.1): https anywhere, or plain http to this computer's loopback interface on any
// port (a desktop or CLI client listening locally); never a fragment, credentials in the URI, or
// another scheme. Pure.

export const REDIRECT_URI_MAX = 2000;
const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/** Whether text holds a space or a control character (C0, DEL). */
export function hasControlOrSpace(text: string): boolean {
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c <= 0x20 || c === 0x7f) return true;
  }
  return false;
}

/** Whether a parsed redirect URI goes to this computer (http on a loopback host). */
export function isLoopbackRedirect(url: URL): boolean {
  return url.protocol === 'http:' && LOOPBACK_HOSTS.has(url.hostname);
}

/** Why a redirect URI is refused, or null when it is acceptable. */
export function redirectUriProblem(uri: unknown): string | null {
  if (typeof uri !== 'string' || uri === '') return 'it must be a non-empty string';
  if (uri.length > REDIRECT_URI_MAX) return `it is longer than ${REDIRECT_URI_MAX} characters`;
  if (uri.includes('#')) return 'it must not have a fragment';
  if (hasControlOrSpace(uri)) return 'it must not contain spaces or control characters';
  let url: URL;
  try {
    url = new URL(uri);
  } catch {
    return 'it is not an absolute URI';
  }
  if (url.username !== '' || url.password !== '') return 'it must not carry credentials';
  if (url.protocol === 'https:') return url.hostname === '' ? 'it has no host' : null;
  if (isLoopbackRedirect(url)) return null;
  if (url.protocol === 'http:') return 'plain http is allowed only to a loopback host (127.0.0.1, localhost or [::1])';
  return 'only https, or http to a loopback host, is allowed';
}
