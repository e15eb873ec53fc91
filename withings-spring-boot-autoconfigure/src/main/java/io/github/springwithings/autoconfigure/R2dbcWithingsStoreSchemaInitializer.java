package io.github.springwithings.autoconfigure;

import io.github.springwithings.oauth2.client.WithingsStoreScripts;
import io.r2dbc.spi.ConnectionFactory;

import org.springframework.boot.r2dbc.OptionsCapableConnectionFactory;
import org.springframework.boot.r2dbc.init.R2dbcScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Applies the R2DBC store's schema script (the JDBC store's) per
 * {@code withings.store.initialize-schema}: {@code embedded} (the default) also covers H2 in a
 * file, as for the JDBC store.
 */
final class R2dbcWithingsStoreSchemaInitializer extends R2dbcScriptDatabaseInitializer {

	private final ConnectionFactory connectionFactory;

	private final String url;

	private final WithingsStoreProperties properties;

	/**
	 * @param connectionFactory the store's connection factory
	 * @param url its URL ({@code spring.r2dbc.url}), {@code null} when unknown
	 * @param properties the store's properties
	 */
	R2dbcWithingsStoreSchemaInitializer(ConnectionFactory connectionFactory, String url,
			WithingsStoreProperties properties) {
		super(connectionFactory, WithingsStoreSchemaSettings.of(properties, WithingsStoreSchemaSettings
			.location(properties, WithingsStoreScripts.platform(connectionFactory.getMetadata().getName()))));
		this.connectionFactory = connectionFactory;
		this.url = url;
		this.properties = properties;
	}

	@Override
	public boolean initializeDatabase() {
		boolean initialized = super.initializeDatabase();
		if (this.properties.getInitializeSchema() != DatabaseInitializationMode.NEVER) {
			String product = this.connectionFactory.getMetadata().getName();
			WithingsStoreSchemaSettings.check(initialized, isEmbeddedDatabase(), this.properties, product,
					WithingsStoreScripts.platform(product));
		}
		return initialized;
	}

	/**
	 * H2 in memory or in a file, whatever built the connection factory: Boot's own check needs one
	 * built from options (a factory of the application's own fails it), and r2dbc-h2 reaches no
	 * H2 server (it has no TCP protocol), so every H2 factory is a local one.
	 */
	@Override
	protected boolean isEmbeddedDatabase() {
		ConnectionFactory connectionFactory = this.connectionFactory;
		if (OptionsCapableConnectionFactory.unwrapFrom(connectionFactory) != null && super.isEmbeddedDatabase()) {
			return true;
		}
		return WithingsStoreSchemaSettings.isLocalH2(this.url)
				|| "H2".equalsIgnoreCase(connectionFactory.getMetadata().getName());
	}

	@Override
	protected void runScripts(Scripts scripts) {
		WithingsStoreSchemaSettings.logScripts(scripts);
		super.runScripts(scripts);
	}

}
