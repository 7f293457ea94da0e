import { NotFoundPanel } from "@/components/shell/not-found-panel";

export const metadata = { title: "Not found" };

/**
 * Unknown addresses inside the signed-in app ([...missing]) and notFound() of its pages: a page of the
 * shell, not a bare error. Server-only on purpose: a client component here would be loaded on every
 * page as a script the runtime adds without the CSP nonce.
 */
export default function AppNotFound() {
  return <NotFoundPanel title="Page not found" message="There is no page at this address. The link may be old, or what it named was removed." />;
}
