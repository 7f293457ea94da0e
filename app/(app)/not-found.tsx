import { CurrentPath } from "@/components/shell/current-path";
import { NotFoundPanel } from "@/components/shell/not-found-panel";

export const metadata = { title: "Not found" };

/** Unknown addresses inside the signed-in app ([...missing]) and notFound() of its pages: a page of the shell, not a bare error. */
export default function AppNotFound() {
  return (
    <NotFoundPanel
      title="Page not found"
      message={
        <>
          There is no page at <CurrentPath />. The link may be old, or the thing it named was removed.
        </>
      }
    />
  );
}
