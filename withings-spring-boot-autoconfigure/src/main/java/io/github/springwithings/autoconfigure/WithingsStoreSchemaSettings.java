package io.github.springwithings.autoconfigure;

import java.util.List;
import java.util.Locale;

import io.github.springwithings.oauth2.client.WithingsStoreScripts;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.sql.init.AbstractScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.Resource;
import org.springframework.util.StringUtils;

/**
 * What the JDBC and R2DBC stores' schema initializers share (no JDBC or R2DBC type here: either
 * may be missing from the class path).
 */
final class WithingsStoreSchemaSettings {

	private static final Log logger = LogFactory.getLog(WithingsStoreSchemaSettings.class);

	private WithingsStoreSchemaSettings() {
	}

	/**
	 * The settings of either store's initializer, with the schema script at {@code location}, an
	 * optional location: Boot never fails on a script that will not run ({@code never}, or
	 * {@code embedded} on a server database); {@link #check} fails on one that would run and is missing.
	 */
	static DatabaseInitializationSettings of(WithingsStoreProperties properties, String location) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations((location == null) ? List.of()
				: List.of(location.startsWith("optional:") ? location : "optional:" + location));
		settings.setContinueOnError(properties.isContinueOnError());
		settings.setMode(properties.getInitializeSchema());
		return settings;
	}

	/**
	 * The schema script's location for a database.
	 * @param properties the store's properties ({@code withings.store.platform} wins over the product)
	 * @param platform the database's platform ({@link WithingsStoreScripts#platform}), {@code null} when unknown
	 * @return the location, or {@code null} when there is none (nothing will run) or no platform is known
	 */
	static String location(WithingsStoreProperties properties, String platform) {
		if (properties.getInitializeSchema() == DatabaseInitializationMode.NEVER) {
			return null;
		}
		String chosen = StringUtils.hasText(properties.getPlatform()) ? properties.getPlatform() : platform;
		if (properties.getSchema().contains("@@platform@@")) {
			return (chosen != null) ? properties.getSchema().replace("@@platform@@", chosen) : null;
		}
		return properties.getSchema();
	}

	/**
	 * After an initializer ran: a script that its mode asked for and that was not found fails the
	 * start-up, naming the product and the properties.
	 * @param initialized whether a script ran
	 * @param embedded whether the database counts as embedded
	 */
	static void check(boolean initialized, boolean embedded, WithingsStoreProperties properties, String product,
			String platform) {
		DatabaseInitializationMode mode = properties.getInitializeSchema();
		boolean wanted = mode == DatabaseInitializationMode.ALWAYS
				|| (mode == DatabaseInitializationMode.EMBEDDED && embedded);
		if (!initialized && wanted) {
			String chosen = StringUtils.hasText(properties.getPlatform()) ? properties.getPlatform() : platform;
			throw new WithingsStoreScriptNotFoundException((product != null) ? product : "unknown database", chosen,
					location(properties, platform));
		}
	}

	static void logScripts(AbstractScriptDatabaseInitializer.Scripts scripts) {
		if (logger.isDebugEnabled()) {
			for (Resource script : scripts) {
				logger.debug("Applying the Withings store's schema script " + script.getDescription());
			}
		}
	}

	/**
	 * Whether a JDBC or R2DBC URL is one of H2 in memory or in a file, not over TCP or SSL.
	 * @param url the URL, may be {@code null}
	 * @return whether it is
	 */
	static boolean isLocalH2(String url) {
		String rest = (url != null) ? url.toLowerCase(Locale.ROOT) : "";
		for (String prefix : new String[] { "jdbc:", "r2dbc:", "pool:" }) {
			rest = rest.startsWith(prefix) ? rest.substring(prefix.length()) : rest;
		}
		return rest.startsWith("h2:") && !rest.startsWith("h2:tcp:") && !rest.startsWith("h2:ssl:");
	}

}
