import { headers } from "next/headers";
import { redirect } from "next/navigation";
import { REQUESTED_PATH_HEADER, signInPathFor } from "./origin";

/** Sends a visitor without a session to sign in, and back to the page they asked for afterwards. */
export async function redirectToSignIn(): Promise<never> {
  redirect(signInPathFor((await headers()).get(REQUESTED_PATH_HEADER)));
}
