import { CLOUDS } from '../model/clouds.js';
import type { Cloud } from '../model/clouds.js';
import type { CloudAdapter } from './cloud-adapter.js';
import { alicloudAdapter } from './alicloud/adapter.js';
import { tencentcloudAdapter } from './tencentcloud/adapter.js';

/**
 * The cloud registry of the client side: one adapter per cloud of model/clouds.ts (the mapped type
 * makes a missing one a type error). A new cloud is a folder providers/<cloud>/ with its adapter
 * and one line here.
 *
 * Built on each lookup rather than held in a module constant: the adapters' own modules reach the
 * generic ones that read this registry, so a constant could be read before an adapter module has
 * finished loading (an import cycle through the registry is harmless only inside functions).
 */
function adapters(): { readonly [C in Cloud]: CloudAdapter } {
  return { tencentcloud: tencentcloudAdapter, alicloud: alicloudAdapter };
}

export function cloudAdapter(cloud: Cloud): CloudAdapter {
  return adapters()[cloud];
}

/** Every adapter, in the order of model/clouds.ts. */
export function cloudAdapters(): readonly CloudAdapter[] {
  const all = adapters();
  return CLOUDS.map((c) => all[c]);
}
