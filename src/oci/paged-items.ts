import { genericPaginateRecords } from "oci-common";

/**
 * Every item of an OCI list call whose answer wraps its items in a collection (API Gateway's
 * deploymentCollection, Artifacts' containerRepositoryCollection), across every page: the SDK's own
 * paginator, told where the items are. Services that answer with plain `items` have their own
 * record iterators (listFunctionsRecordIterator ...).
 */
export function pagedItems<Request extends object, Response extends { opcNextPage?: string }, Item>(
  request: NoInfer<Request>,
  list: (request: Request) => Promise<Response>,
  items: (response: Response) => Item[],
): AsyncIterableIterator<Item> {
  return genericPaginateRecords(
    request,
    list,
    (response) => response.opcNextPage,
    // Every OCI list request takes the next page's token as `page`.
    (next, page) => Object.assign(next, { page }),
    items,
  );
}
