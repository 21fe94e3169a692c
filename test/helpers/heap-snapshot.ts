import { createRequire } from 'node:module';
import type { Worker as Thread } from 'node:worker_threads';

/**
 * Runs `create` and hands back the worker threads it started: the SDK's
 * workflow threads, when `create` builds a Temporal worker. Node's own
 * `worker_threads` module is swapped for the call only (the SDK looks its
 * `Worker` up when it starts a thread).
 */
export async function capturingThreads<T>(
  create: () => Promise<T>,
): Promise<{ result: T; threads: Thread[] }> {
  const workerThreads = createRequire(__filename)(
    'node:worker_threads',
  ) as typeof import('node:worker_threads');
  const Original = workerThreads.Worker;
  const threads: Thread[] = [];
  workerThreads.Worker = class extends Original {
    constructor(...args: ConstructorParameters<typeof Original>) {
      super(...args);
      threads.push(this);
    }
  };
  try {
    return { result: await create(), threads };
  } finally {
    workerThreads.Worker = Original;
  }
}

interface HeapSnapshot {
  snapshot: {
    meta: { node_fields: string[]; node_types: [string[]]; edge_fields: string[]; edge_types: [string[]] };
  };
  nodes: number[];
  edges: number[];
  strings: string[];
}

/**
 * For every workflow run cached in `thread`, how many reactions wait on its
 * root cancellation scope's `cancelRequested` promise: V8 keeps them in a list
 * (PromiseReaction records) until the promise settles.
 */
export async function rootScopeReactions(thread: Thread): Promise<number[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of await thread.getHeapSnapshot()) chunks.push(chunk as Buffer);
  const heap = JSON.parse(Buffer.concat(chunks).toString('utf8')) as HeapSnapshot;
  const { node_fields, node_types, edge_fields, edge_types } = heap.snapshot.meta;
  const nodeWidth = node_fields.length;
  const edgeWidth = edge_fields.length;
  const [typeAt, nameAt, edgeCountAt] = ['type', 'name', 'edge_count'].map((f) => node_fields.indexOf(f));
  const [edgeTypeAt, edgeNameAt, toNodeAt] = ['type', 'name_or_index', 'to_node'].map((f) =>
    edge_fields.indexOf(f),
  );
  const nodeCount = heap.nodes.length / nodeWidth;
  const firstEdge = new Uint32Array(nodeCount + 1);
  for (let n = 0, e = 0; n < nodeCount; n++) {
    firstEdge[n] = e;
    e += heap.nodes[n * nodeWidth + edgeCountAt!]! * edgeWidth;
  }
  firstEdge[nodeCount] = heap.edges.length;
  const name = (n: number) => heap.strings[heap.nodes[n * nodeWidth + nameAt!]!]!;
  const type = (n: number) => node_types[0][heap.nodes[n * nodeWidth + typeAt!]!];
  /** The node an edge leads to: by property name, or by index for V8's hidden fields. */
  const follow = (n: number, key: string | number): number | undefined => {
    for (let e = firstEdge[n]!; e < firstEdge[n + 1]!; e += edgeWidth) {
      const edgeType = edge_types[0][heap.edges[e + edgeTypeAt!]!];
      const raw = heap.edges[e + edgeNameAt!]!;
      const edgeName = edgeType === 'element' || edgeType === 'hidden' ? raw : heap.strings[raw];
      if (edgeName === key) return heap.edges[e + toNodeAt!]! / nodeWidth;
    }
    return undefined;
  };
  const counts: number[] = [];
  for (let n = 0; n < nodeCount; n++) {
    if (type(n) !== 'object' || name(n) !== 'RootCancellationScope') continue;
    const promise = follow(n, 'cancelRequested');
    let reaction = promise === undefined ? undefined : follow(promise, 'reactions_or_result');
    let count = 0;
    // The list runs through each record's first hidden field.
    while (reaction !== undefined && name(reaction) === 'system / PromiseReaction') {
      count++;
      reaction = follow(reaction, 0);
    }
    counts.push(count);
  }
  return counts;
}
