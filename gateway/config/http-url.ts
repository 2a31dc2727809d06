import './zod-jitless';
import * as z from 'zod';

function hasSpaceOrControl(value: string): boolean {
  for (let i = 0; i < value.length; i += 1) {
    const code = value.charCodeAt(i);
    if (code <= 0x20 || code === 0x7f || /\s/.test(value[i]!)) return true;
  }
  return false;
}

/** What is wrong with a URL the gateway calls (upstream, token or CSRF endpoint, Kyma target), if anything. */
export function httpUrlProblem(value: string): string | undefined {
  // Parsers differ on these (Chromium takes "http://exa mple.com", Node refuses it, and both drop a tab or newline
  // inside): refused outright, the renderer's check and main's agree.
  // Empty is a field left out, not a malformed URL: said as such, so the user knows to fill it in.
  if (value === '') return 'required: a URL such as https://api.example.com/v1';
  if (hasSpaceOrControl(value)) return 'no spaces, tabs, line breaks or other control characters';
  if (!URL.canParse(value)) return 'not a valid URL (such as https://api.example.com/v1)';
  const url = new URL(value);
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return 'an http:// or https:// URL';
  // Userinfo would be sent in the clear to every proxy log; credentials belong in a secret.
  if (url.username !== '' || url.password !== '') return 'no credentials in the URL: keep them in a secret';
  if (url.hash !== '') return 'no fragment (#...)';
  return undefined;
}

/** An http(s) URL without credentials or fragment; a query is allowed (it leads the caller's). */
export const HttpUrl = z.string().superRefine((value, ctx) => {
  const problem = httpUrlProblem(value);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});

/** The scheme an upstream is reached with; runs even when the URL failed its own check (reported there). */
export function upstreamScheme(upstream: { url: string } | { serviceInfo: { protocol: 'http' | 'https' } }): 'http' | 'https' {
  if ('serviceInfo' in upstream) return upstream.serviceInfo.protocol;
  return URL.canParse(upstream.url) && new URL(upstream.url).protocol === 'https:' ? 'https' : 'http';
}

/** The path of an upstream URL as forwarded paths are joined to it: without its trailing slash, '' for the root. */
export function urlBasePath(url: URL): string {
  return url.pathname === '/' ? '' : url.pathname.replace(/\/$/, '');
}
