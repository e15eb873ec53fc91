package io.github.springwithings.oauth2.client;

import io.github.springwithings.internal.sql.R2dbcStoreDatabase;
import io.r2dbc.spi.ConnectionFactory;

import org.springframework.security.oauth2.client.registration.ClientRegistrationRepository;

/**
 * A {@link WithingsAuthorizedClientService} in a relational database reached through an R2DBC
 * {@link ConnectionFactory}: the same table and statements as
 * {@link JdbcWithingsAuthorizedClientService}, so servlet and reactive instances of an application
 * can share one database and coordinate their refreshes through it.
 *
 * <p>Its contract is blocking, like the rest of the refresh core: the reactive adapters
 * ({@link WithingsReactiveAuthorizedClientService}, the reactive token response client, failure
 * handler and API clients) call it on Reactor's {@code boundedElastic} scheduler, never on an event
 * loop, and it awaits each statement there (with a timeout). Called on a thread that must not
 * block (an event loop, Reactor's parallel scheduler), it fails instead of blocking.
 *
 * <p><b>Never in the caller's transaction.</b> Every statement runs on a connection of its own,
 * outside any transaction bound to a caller's reactive context, in auto-commit: a write is
 * committed before it returns. No operation holds a connection or a row lock while Withings is
 * called.
 */
public final class R2dbcWithingsAuthorizedClientService extends SqlWithingsAuthorizedClientService {

	/**
	 * @param connectionFactory the application's connection factory; the store takes connections
	 * of its own from it
	 * @param clientRegistrationRepository where registrations of stored clients are found
	 */
	public R2dbcWithingsAuthorizedClientService(ConnectionFactory connectionFactory,
			ClientRegistrationRepository clientRegistrationRepository) {
		super(new R2dbcStoreDatabase(connectionFactory), clientRegistrationRepository);
	}

}
