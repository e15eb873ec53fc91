package io.github.springwithings.autoconfigure;

import java.sql.DatabaseMetaData;
import java.util.List;

import javax.sql.DataSource;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.jdbc.init.PlatformPlaceholderDatabaseDriverResolver;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;
import org.springframework.util.StringUtils;

/**
 * Applies the JDBC store's schema script per {@code withings.store.initialize-schema}. Unlike
 * Boot's own initializers, {@code embedded} (the default) also covers H2 in a file, the database a
 * new application starts with: only databases reached through a server (PostgreSQL, H2 over TCP,
 * ...) are left to the application's migrations.
 */
final class WithingsStoreSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	WithingsStoreSchemaInitializer(DataSource dataSource, WithingsStoreProperties properties) {
		super(dataSource, WithingsStoreSchemaSettings.of(properties, schemaLocations(dataSource, properties)));
	}

	@Override
	protected boolean isEmbeddedDatabase() {
		return super.isEmbeddedDatabase() || isLocalH2(getDataSource());
	}

	@Override
	protected void runScripts(Scripts scripts) {
		WithingsStoreSchemaSettings.logScripts(scripts);
		super.runScripts(scripts);
	}

	private static List<String> schemaLocations(DataSource dataSource, WithingsStoreProperties properties) {
		PlatformPlaceholderDatabaseDriverResolver resolver = new PlatformPlaceholderDatabaseDriverResolver();
		return StringUtils.hasText(properties.getPlatform())
				? resolver.resolveAll(properties.getPlatform(), properties.getSchema())
				: resolver.resolveAll(dataSource, properties.getSchema());
	}

	/** H2 in memory or in a file, not over TCP or SSL. */
	static boolean isLocalH2(DataSource dataSource) {
		try {
			return WithingsStoreSchemaSettings.isLocalH2(JdbcUtils.extractDatabaseMetaData(dataSource, DatabaseMetaData::getURL));
		}
		catch (MetaDataAccessException ex) {
			return false;
		}
	}

}
