package io.github.springwithings.oauth2.client;

/**
 * A change of a user's link to Withings, published as an application event once the store has
 * committed it, so that an application can keep its own tables in step
 * ({@code @EventListener}). Listeners run on the thread that made the change (a sign-in request,
 * a refresh, a background job), possibly inside that caller's transaction: a listener that writes
 * to the database should use a transaction of its own
 * ({@code @Transactional(propagation = Propagation.REQUIRES_NEW)}) or run {@code @Async}, so that
 * its writes neither join nor depend on the caller's. An exception thrown by a listener is
 * logged; it never undoes the change and is not rethrown to the caller.
 */
public sealed interface WithingsLinkEvent permits WithingsUserLinkedEvent, WithingsUserRefreshedEvent,
		WithingsUserDisconnectedEvent, WithingsUserLostEvent {

	/**
	 * The user, as stored when the change happened.
	 * @return the user
	 */
	WithingsLinkedUser user();

}
