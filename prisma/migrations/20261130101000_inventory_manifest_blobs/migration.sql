-- Retention counts shared layers once (a layer is freed only when every manifest that references it
-- goes), so the index keeps what each manifest references in the blob store: [[digest, size], ...],
-- the manifest itself first, then (an image) its config and layers. An index lists only itself: its
-- children are manifests of their own, named in "platforms".
-- One jsonb column written by the sync's existing INSERT rather than one row per layer: the sync's
-- write cost stays one statement per batch. NULL = indexed before this column, or a list the sync
-- refused (over 1000 entries, a bad digest or size): retention then falls back to "size", an upper bound.
ALTER TABLE "InventoryManifest" ADD COLUMN "blobs" JSONB;
