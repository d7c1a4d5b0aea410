// The web pages Vite builds (src/web/<name>.html → dist/web/<name>.html). One line a page:
// vite.config.ts builds each, and the server's web routes serve each at the paths its owner
// registers with `servePage`.
export const WEB_PAGES = ['dashboard', 'signin', 'recover', 'manage', 'consent', 'device', 'elevate'] as const;

export type WebPage = (typeof WEB_PAGES)[number];
