import { notFound } from "next/navigation";
import { authorizePage } from "@/lib/auth/page";

/**
 * Any address no other page of the app matches. Without it Next answers unknown routes with the root
 * not-found page, outside the app's layout; through here the 404 renders inside the shell (the
 * signed-out are sent to sign in first, like on every page).
 */
export default async function MissingPage() {
  await authorizePage();
  notFound();
}
