package io.github.springwithings.autoconfigure;

import java.sql.DatabaseMetaData;
import java.util.Locale;

import javax.sql.DataSource;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.jdbc.init.PropertiesBasedDataSourceScriptDatabaseInitializer;
import org.springframework.core.io.Resource;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * Applies the store's schema script per {@code withings.store.initialize-schema}. Unlike Boot's
 * own initializers, {@code embedded} (the default) also covers H2 in a file, the database a new
 * application starts with: only databases reached through a server (PostgreSQL, H2 over TCP, ...)
 * are left to the application's migrations.
 */
final class WithingsStoreSchemaInitializer extends PropertiesBasedDataSourceScriptDatabaseInitializer<WithingsStoreProperties> {

	private static final Log logger = LogFactory.getLog(WithingsStoreSchemaInitializer.class);

	WithingsStoreSchemaInitializer(DataSource dataSource, WithingsStoreProperties properties) {
		super(dataSource, properties);
	}

	@Override
	protected boolean isEmbeddedDatabase() {
		return super.isEmbeddedDatabase() || isLocalH2(getDataSource());
	}

	@Override
	protected void runScripts(Scripts scripts) {
		if (logger.isDebugEnabled()) {
			for (Resource script : scripts) {
				logger.debug("Applying the Withings store's schema script " + script.getDescription());
			}
		}
		super.runScripts(scripts);
	}

	/** H2 in memory or in a file, not over TCP or SSL. */
	static boolean isLocalH2(DataSource dataSource) {
		try {
			String url = JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getURL);
			String lower = (url != null) ? url.toLowerCase(Locale.ROOT) : "";
			return lower.startsWith("jdbc:h2:") && !lower.startsWith("jdbc:h2:tcp:") && !lower.startsWith("jdbc:h2:ssl:");
		}
		catch (MetaDataAccessException ex) {
			return false;
		}
	}

}
