// The inspector's memory: the last MAX_EXCHANGES exchanges, and their bodies within MAX_BODY_BYTES (the oldest
// bodies are let go first, their rows stay). Lives in main, in memory only: nothing here is written anywhere
// unless the user exports it. The raw values behind masked fields are kept beside each exchange for an export
// the user explicitly asks to include credentials in; they are never handed to the renderer.
import { summarizeExchange, type CapturedExchange, type ExchangeCredentials, type ExchangeSummary } from '../../../gateway/capture/exchange';

export const MAX_EXCHANGES = 5000;
export const MAX_BODY_BYTES = 64 * 1024 * 1024;

interface Kept {
  exchange: CapturedExchange;
  credentials: ExchangeCredentials;
  bodyBytes: number;
}

export interface BufferCounts {
  /** Exchanges kept now. */
  kept: number;
  /** Exchanges let go because the buffer was full (since the last clear). */
  dropped: number;
}

function bodyBytesOf(exchange: CapturedExchange): number {
  return exchange.request.body.base64.length + (exchange.response?.body.base64.length ?? 0);
}

export class ExchangeBuffer {
  /** Insertion order is arrival order: the first key is the oldest. */
  readonly #kept = new Map<number, Kept>();
  /** `generation:gatewayId` → our id: each gateway process numbers its exchanges from 1. */
  readonly #ids = new Map<string, number>();
  #nextId = 1;
  #dropped = 0;
  #bodyBytes = 0;

  constructor(
    private readonly maxExchanges = MAX_EXCHANGES,
    private readonly maxBodyBytes = MAX_BODY_BYTES,
  ) {}

  /** Adds or updates (a streaming response's later snapshot) an exchange; returns its row. */
  put(exchange: CapturedExchange, credentials: ExchangeCredentials, generation: number): ExchangeSummary {
    const key = `${generation}:${exchange.id}`;
    let id = this.#ids.get(key);
    const previous = id === undefined ? undefined : this.#kept.get(id);
    if (id === undefined || !previous) {
      id = this.#nextId++;
      this.#ids.set(key, id);
    }
    const stored: CapturedExchange = { ...exchange, id };
    if (previous) this.#bodyBytes -= previous.bodyBytes;
    const bodyBytes = bodyBytesOf(stored);
    this.#kept.set(id, { exchange: stored, credentials, bodyBytes });
    this.#bodyBytes += bodyBytes;
    if (stored.state === 'complete') this.#ids.delete(key);
    this.#evict(id);
    return summarizeExchange(stored);
  }

  #evict(newest: number): void {
    while (this.#kept.size > this.maxExchanges) {
      const [oldestId, oldest] = this.#kept.entries().next().value as [number, Kept];
      this.#kept.delete(oldestId);
      this.#bodyBytes -= oldest.bodyBytes;
      this.#dropped += 1;
    }
    for (const [id, kept] of this.#kept) {
      if (this.#bodyBytes <= this.maxBodyBytes || id === newest) break;
      if (kept.bodyBytes === 0) continue;
      this.#bodyBytes -= kept.bodyBytes;
      kept.bodyBytes = 0;
      const drop = <T extends { base64: string }>(body: T): T => ({ ...body, base64: '', dropped: true });
      kept.exchange = {
        ...kept.exchange,
        request: { ...kept.exchange.request, body: drop(kept.exchange.request.body) },
        ...(kept.exchange.response ? { response: { ...kept.exchange.response, body: drop(kept.exchange.response.body) } } : {}),
      };
    }
  }

  /** Rows, newest first. */
  summaries(): ExchangeSummary[] {
    return [...this.#kept.values()].reverse().map((k) => summarizeExchange(k.exchange));
  }

  get(id: number): CapturedExchange | undefined {
    return this.#kept.get(id)?.exchange;
  }

  /** For an export that includes credentials, at the user's explicit request: main only. */
  credentials(id: number): ExchangeCredentials | undefined {
    return this.#kept.get(id)?.credentials;
  }

  /** Oldest first (HAR's order). `ids` picks some; all when absent. */
  select(ids?: readonly number[]): CapturedExchange[] {
    if (!ids) return [...this.#kept.values()].map((k) => k.exchange);
    const wanted = new Set(ids);
    return [...this.#kept.values()].map((k) => k.exchange).filter((e) => wanted.has(e.id));
  }

  counts(): BufferCounts {
    return { kept: this.#kept.size, dropped: this.#dropped };
  }

  clear(): void {
    this.#kept.clear();
    this.#ids.clear();
    this.#dropped = 0;
    this.#bodyBytes = 0;
  }
}
