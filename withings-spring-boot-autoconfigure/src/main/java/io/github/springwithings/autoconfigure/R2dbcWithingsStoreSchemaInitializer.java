package io.github.springwithings.autoconfigure;

import java.util.List;
import java.util.Locale;

import io.r2dbc.spi.ConnectionFactory;

import org.springframework.boot.r2dbc.OptionsCapableConnectionFactory;
import org.springframework.boot.r2dbc.init.R2dbcScriptDatabaseInitializer;
import org.springframework.util.StringUtils;

/**
 * Applies the R2DBC store's schema script (the JDBC store's) per
 * {@code withings.store.initialize-schema}: {@code embedded} (the default) also covers H2 in a
 * file, as for the JDBC store.
 */
final class R2dbcWithingsStoreSchemaInitializer extends R2dbcScriptDatabaseInitializer {

	private final ConnectionFactory connectionFactory;

	private final String url;

	/**
	 * @param connectionFactory the store's connection factory
	 * @param url its URL ({@code spring.r2dbc.url}), {@code null} when unknown
	 * @param properties the store's properties
	 */
	R2dbcWithingsStoreSchemaInitializer(ConnectionFactory connectionFactory, String url,
			WithingsStoreProperties properties) {
		super(connectionFactory, WithingsStoreSchemaSettings.of(properties,
				List.of(properties.getSchema().replace("@@platform@@", platform(connectionFactory, properties)))));
		this.connectionFactory = connectionFactory;
		this.url = url;
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

	/** {@code h2}, {@code postgresql}, ...: the driver's product name, in the scripts' folder names. */
	private static String platform(ConnectionFactory connectionFactory, WithingsStoreProperties properties) {
		if (StringUtils.hasText(properties.getPlatform())) {
			return properties.getPlatform();
		}
		return connectionFactory.getMetadata().getName().toLowerCase(Locale.ROOT).replace(" ", "");
	}

}
