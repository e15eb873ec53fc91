package io.github.springwithings.autoconfigure;

import java.util.List;
import java.util.Locale;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.sql.init.AbstractScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationSettings;
import org.springframework.core.io.Resource;

/**
 * What the JDBC and R2DBC stores' schema initializers share (no JDBC or R2DBC type here: either
 * may be missing from the class path).
 */
final class WithingsStoreSchemaSettings {

	private static final Log logger = LogFactory.getLog(WithingsStoreSchemaSettings.class);

	private WithingsStoreSchemaSettings() {
	}

	/** The settings of either store's initializer, with the schema script at {@code schemaLocations}. */
	static DatabaseInitializationSettings of(WithingsStoreProperties properties, List<String> schemaLocations) {
		DatabaseInitializationSettings settings = new DatabaseInitializationSettings();
		settings.setSchemaLocations(schemaLocations);
		settings.setContinueOnError(properties.isContinueOnError());
		settings.setMode(properties.getInitializeSchema());
		return settings;
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
