import { Host } from './host';

/**
 * Process-wide map from dial address to `Host`, shared by every runtime (config) a worker has
 * built. `retain(addresses)` is called with the full address set of the runtime being
 * installed; addresses no config names any more are dropped once idle, so an address removed
 * while requests are in flight stays visible (and counted) until they finish.
 */
export class HostRegistry {
  private readonly hosts = new Map<string, Host>();
  private current = new Set<string>();

  /** The Host for `address`, created on first use. */
  get(address: string): Host {
    let h = this.hosts.get(address);
    if (!h) {
      h = new Host(address);
      this.hosts.set(address, h);
    }
    return h;
  }

  /** Existing Host or undefined (never creates). */
  peek(address: string): Host | undefined {
    return this.hosts.get(address);
  }

  /** Mark the address set of the config now in force and forget idle addresses outside it. */
  retain(addresses: Iterable<string>): void {
    this.current = new Set(addresses);
    this.sweep();
  }

  /** Forget hosts that no config names and that have nothing in flight. */
  sweep(): string[] {
    const dropped: string[] = [];
    for (const [addr, h] of this.hosts) {
      if (!this.current.has(addr) && h.idle) {
        this.hosts.delete(addr);
        dropped.push(addr);
      }
    }
    return dropped;
  }

  /** True when the config in force names this address. */
  inConfig(address: string): boolean {
    return this.current.has(address);
  }

  /** Every known host: those in config, then removed ones still busy. */
  all(): Host[] {
    return [...this.hosts.values()];
  }
}
