export const dynamic = "force-dynamic";

/**
 * Unknown API addresses answer the error contract's JSON 404. Without this, the app's catch-all page
 * (app/(app)/[...missing]) would take them and answer a pipeline with the HTML 404 page. No sign-in is
 * asked: an address that does not exist reveals nothing, and there is no action to check.
 */
async function missing(request: Request): Promise<Response> {
  return Response.json({ error: `no API endpoint ${request.method} ${new URL(request.url).pathname}` }, { status: 404 });
}

export { missing as DELETE, missing as GET, missing as PATCH, missing as POST, missing as PUT };
