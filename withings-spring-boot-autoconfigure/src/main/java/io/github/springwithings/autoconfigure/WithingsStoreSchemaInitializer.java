package io.github.springwithings.autoconfigure;

import java.sql.DatabaseMetaData;

import javax.sql.DataSource;

import io.github.springwithings.oauth2.client.WithingsStoreScripts;

import org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer;
import org.springframework.boot.sql.init.DatabaseInitializationMode;
import org.springframework.jdbc.support.JdbcUtils;
import org.springframework.jdbc.support.MetaDataAccessException;

/**
 * Applies the JDBC store's schema script per {@code withings.store.initialize-schema}. Unlike
 * Boot's own initializers, {@code embedded} (the default) also covers H2 in a file, the database a
 * new application starts with: only databases reached through a server (PostgreSQL, MariaDB, H2
 * over TCP, ...) are left to the application's migrations. A script that will not run is never
 * looked for; one that would run and does not exist fails the start-up with Boot's failure report.
 */
final class WithingsStoreSchemaInitializer extends DataSourceScriptDatabaseInitializer {

	private final WithingsStoreProperties properties;

	private final Database database;

	WithingsStoreSchemaInitializer(DataSource dataSource, WithingsStoreProperties properties) {
		this(dataSource, properties, database(dataSource, properties));
	}

	private WithingsStoreSchemaInitializer(DataSource dataSource, WithingsStoreProperties properties, Database database) {
		super(dataSource, WithingsStoreSchemaSettings.of(properties,
				WithingsStoreSchemaSettings.location(properties, database.platform())));
		this.properties = properties;
		this.database = database;
	}

	@Override
	public boolean initializeDatabase() {
		boolean initialized = super.initializeDatabase();
		if (this.properties.getInitializeSchema() != DatabaseInitializationMode.NEVER) {
			WithingsStoreSchemaSettings.check(initialized, isEmbeddedDatabase(), this.properties,
					this.database.product(), this.database.platform());
		}
		return initialized;
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

	/** The product and platform, read only when a script may run. */
	private static Database database(DataSource dataSource, WithingsStoreProperties properties) {
		if (properties.getInitializeSchema() == DatabaseInitializationMode.NEVER) {
			return new Database(null, null);
		}
		try {
			return JdbcUtils.extractDatabaseMetaData(dataSource, (metaData) -> new Database(
					metaData.getDatabaseProductName(), WithingsStoreScripts.platform(metaData.getDatabaseProductName(),
							metaData.getDatabaseProductVersion())));
		}
		catch (MetaDataAccessException ex) {
			return new Database(null, null);
		}
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

	private record Database(String product, String platform) {
	}

}
