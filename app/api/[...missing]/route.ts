import { withPermission } from "@/lib/auth/route";
import { NotFoundError } from "@/lib/errors";

export const dynamic = "force-dynamic";

/**
 * Unknown API addresses answer the error contract's JSON 404. Without this, the app's catch-all page
 * (app/(app)/[...missing]) would take them and answer a pipeline with the HTML 404 page.
 */
const missing = withPermission<{ missing: string[] }>(null, async ({ url, request }) => {
  throw new NotFoundError(`no API endpoint ${request.method} ${url.pathname}`);
});

export { missing as DELETE, missing as GET, missing as PATCH, missing as POST, missing as PUT };
