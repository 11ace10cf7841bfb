import type { PromptFn, PromptRequest } from '../boards/types';
import type { KnownSecret } from './providers';
import type { RedactionKind } from './schema';
import { isTrivialSecret } from './patterns';

/**
 * Secrets the app holds in memory this session (the web host token, answers typed into ssh
 * password/passphrase prompts). Reports scrub every one of them wherever it shows up, even in
 * text no pattern would catch ("retrying with hunter2"). Nothing here is ever written to disk.
 */
export class SessionSecrets {
  private readonly values = new Map<string, RedactionKind>();

  add(value: string | null | undefined, kind: RedactionKind = 'secret'): void {
    if (value && !isTrivialSecret(value)) this.values.set(value, kind);
  }

  list(): KnownSecret[] {
    return [...this.values].map(([value, kind]) => ({ value, kind }));
  }

  clear(): void {
    this.values.clear();
  }
}

/** The app-wide registry (one per process); tests make their own. */
export const sessionSecrets = new SessionSecrets();

function promptKind(request: PromptRequest): RedactionKind | null {
  switch (request.kind) {
    case 'password':
    case 'passphrase':
      return 'password';
    case 'keyboard-interactive':
      // An echoed answer is not secret (a user name, a menu choice); a hidden one is.
      return request.echo ? null : 'password';
    default:
      return null;
  }
}

/**
 * Wraps a board prompt so secret answers are remembered for redaction. Wire it where the
 * app (UI or CLI) creates its PromptFn: `transport({ prompt: captureSecrets(prompt) })`.
 */
export function captureSecrets(
  prompt: PromptFn,
  registry: SessionSecrets = sessionSecrets,
): PromptFn {
  return async (request) => {
    const answer = await prompt(request);
    const kind = promptKind(request);
    if (kind && answer !== null) registry.add(answer, kind);
    return answer;
  };
}
