import type { Disposable } from 'vscode';

/**
 * Owns a set of disposables and disposes them together, newest first (what was created last
 * may depend on what came before). Used for the two lifetimes of the extension: everything
 * that lives as long as the extension, and everything tied to one language-server process.
 */
export class DisposableStore implements Disposable {
  private items: Disposable[] = [];
  private disposed = false;

  add<T extends Disposable>(item: T): T {
    if (this.disposed) {
      // A late registration after teardown must not leak.
      item.dispose();
    } else {
      this.items.push(item);
    }
    return item;
  }

  /** Disposes what it holds and stays usable (for a scope that is refilled, like a server restart). */
  clear(): void {
    const items = this.items.reverse();
    this.items = [];
    for (const item of items) item.dispose();
  }

  dispose(): void {
    this.clear();
    this.disposed = true;
  }
}
