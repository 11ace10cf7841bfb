/**
 * The ssh2 authHandler: ssh-agent, then each identity file (asking for a passphrase when the
 * key is encrypted), then password and keyboard-interactive when the server offers them and a
 * prompt is available. Secrets are asked through the PromptFn and kept only in memory.
 */
import fs from 'node:fs';
import ssh2 from 'ssh2';
import type { AuthenticationType, AuthHandlerMiddleware, NextAuthHandler, ParsedKey } from 'ssh2';
import type { Logger } from '../../runtime/types';
import type { PromptFn } from '../types';

export interface AuthPlanOptions {
  target: string;
  user: string;
  host: string;
  port: number;
  agent?: string;
  identityFiles: string[];
  prompt?: PromptFn;
  log: Logger;
  /** Called around prompts so the handshake timer can pause while a human answers. */
  onPrompt?: (open: boolean) => void;
}

// ssh2's typings describe the objects authHandler may return; we build them as plain objects.
type AuthMethod = Record<string, unknown> & { type: AuthenticationType; username: string };
/** A step that needs to know the server's methods first (asks with a `none` attempt). */
const NEED_METHODS = Symbol('need-methods');
type Step = (left: string[] | null) => Promise<AuthMethod | null | typeof NEED_METHODS>;

export class AuthPlan {
  /** What was attempted, for the error message when everything fails. */
  readonly tried: string[] = [];
  /** The method that worked, reused on reconnect (memory only). */
  succeeded: AuthMethod | null = null;
  private current: AuthMethod | null = null;
  private askedMethods = false;
  private steps: Step[];

  constructor(private readonly o: AuthPlanOptions) {
    this.steps = this.buildSteps();
  }

  private buildSteps(): Step[] {
    const { user, agent } = this.o;
    const steps: Step[] = [];
    if (agent) {
      steps.push(async (left) => {
        if (left && !left.includes('publickey')) return null;
        this.tried.push('ssh-agent');
        return { type: 'agent', username: user, agent };
      });
    }
    for (const file of this.o.identityFiles) {
      steps.push(async (left) => {
        if (left && !left.includes('publickey')) return null;
        const key = await this.loadKey(file);
        if (!key) return null;
        this.tried.push(`key ${file}`);
        return { type: 'publickey', username: user, key };
      });
    }
    steps.push(async (left) => {
      if (!this.o.prompt) return null;
      if (!left) return NEED_METHODS; // only ask once the server said it accepts passwords
      if (!left.includes('password')) return null;
      const answer = await this.ask({
        kind: 'password',
        target: this.o.target,
        user,
        host: this.o.host,
        port: this.o.port,
      });
      if (answer === null) return null;
      this.tried.push('password');
      return { type: 'password', username: user, password: answer };
    });
    steps.push(async (left) => {
      if (!this.o.prompt) return null;
      if (!left) return NEED_METHODS;
      if (!left.includes('keyboard-interactive')) return null;
      this.tried.push('keyboard-interactive');
      return {
        type: 'keyboard-interactive',
        username: user,
        prompt: (
          name: string,
          instructions: string,
          _lang: string,
          prompts: Array<{ prompt: string; echo?: boolean }>,
          finish: (answers: string[]) => void,
        ) => {
          void (async () => {
            const answers: string[] = [];
            for (const p of prompts) {
              const a = await this.ask({
                kind: 'keyboard-interactive',
                target: this.o.target,
                name,
                instructions,
                prompt: p.prompt,
                echo: Boolean(p.echo),
              });
              answers.push(a ?? '');
            }
            finish(answers);
          })();
        },
      };
    });
    return steps;
  }

  private async ask(req: Parameters<PromptFn>[0]): Promise<string | null> {
    if (!this.o.prompt) return null;
    this.o.onPrompt?.(true);
    try {
      return await this.o.prompt(req);
    } finally {
      this.o.onPrompt?.(false);
    }
  }

  private async loadKey(file: string): Promise<ParsedKey | null> {
    let data: Buffer;
    try {
      data = fs.readFileSync(file);
    } catch {
      return null;
    }
    const parsed = ssh2.utils.parseKey(data);
    if (!(parsed instanceof Error)) return Array.isArray(parsed) ? parsed[0] : parsed;
    if (!/passphrase|encrypted/i.test(parsed.message)) {
      this.o.log.warn('boards', `Skipping the SSH key ${file}: ${parsed.message}`);
      return null;
    }
    const passphrase = await this.ask({ kind: 'passphrase', target: this.o.target, keyFile: file });
    if (passphrase === null) return null;
    const unlocked = ssh2.utils.parseKey(data, passphrase);
    if (unlocked instanceof Error) {
      this.o.log.warn('boards', `The passphrase for ${file} did not unlock it.`);
      this.tried.push(`key ${file} (wrong passphrase)`);
      return null;
    }
    return Array.isArray(unlocked) ? unlocked[0] : unlocked;
  }

  /** ssh2's authHandler signature. */
  readonly handler: AuthHandlerMiddleware = (
    methodsLeft: AuthenticationType[],
    _partial: boolean,
    next: NextAuthHandler,
  ) => {
    void (async () => {
      if (this.succeeded && !this.current) {
        this.current = this.succeeded;
        next(this.succeeded as never);
        return;
      }
      // methodsLeft is null before the server listed what it accepts
      const left = (methodsLeft as string[] | null) ?? null;
      while (this.steps.length) {
        const step = this.steps.shift() as Step;
        const method = await step(left);
        if (method === NEED_METHODS) {
          if (this.askedMethods) continue;
          this.askedMethods = true;
          this.steps.unshift(step);
          this.current = { type: 'none', username: this.o.user };
          next(this.current as never);
          return;
        }
        if (method) {
          this.current = method;
          next(method as never);
          return;
        }
      }
      this.current = null;
      next(false as never);
    })();
  };

  /** Marks the current method as the one that worked (call on 'ready'). */
  markSucceeded(): void {
    if (this.current) this.succeeded = this.current;
  }

  /** Starts over for a reconnect, trying the method that worked first. */
  reset(): void {
    this.current = null;
    this.tried.length = 0;
    this.askedMethods = false;
    this.steps = this.buildSteps();
  }
}
