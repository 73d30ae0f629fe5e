// Every route ksa serve answers, in one table (docs/SERVE.md; the API's part is documented in
// /api/v1/openapi.json and a test holds the two together).
import { metricsRoutes } from './metrics-routes.js';
import { apiPluginRoutes } from './api-plugin-routes.js';
import { apiTargetRoutes } from './api-target-routes.js';
import { apiMiscRoutes } from './api-misc-routes.js';
import { statusPageRoutes } from './status-page.js';
import type { Route } from './route-table.js';
import type { ServeContext } from './serve-context.js';

export const SERVE_ROUTES: readonly Route<ServeContext>[] = [...metricsRoutes, ...apiPluginRoutes, ...apiTargetRoutes, ...apiMiscRoutes, ...statusPageRoutes];
