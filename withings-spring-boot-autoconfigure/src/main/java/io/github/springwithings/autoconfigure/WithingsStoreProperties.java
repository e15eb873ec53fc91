package io.github.springwithings.autoconfigure;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.sql.init.DatabaseInitializationMode;

/**
 * Configuration of the Withings authorized-client store.
 */
@ConfigurationProperties("withings.store")
public class WithingsStoreProperties {

	static final String DEFAULT_SCHEMA_LOCATION = "classpath:io/github/springwithings/db/@@platform@@/R__withings_schema.sql";

	/**
	 * Where authorized clients are stored: 'jdbc' (the default when a DataSource exists), 'r2dbc'
	 * (the default when an R2DBC ConnectionFactory exists and no DataSource) or 'memory' (the
	 * default otherwise; every link is lost on restart).
	 */
	private StoreType type;

	/**
	 * Path of the SQL file applying the store's schema.
	 */
	private String schema = DEFAULT_SCHEMA_LOCATION;

	/**
	 * Platform to use in the schema location's @@platform@@ placeholder (auto-detected by
	 * default).
	 */
	private String platform;

	/**
	 * When the store's schema script runs: 'embedded' (the default: H2 in memory or in a local
	 * file), 'always' or 'never'.
	 */
	private DatabaseInitializationMode initializeSchema = DatabaseInitializationMode.EMBEDDED;

	/**
	 * Whether start-up goes on when a statement of the schema script fails (the schema check then
	 * names what is missing).
	 */
	private boolean continueOnError = true;

	/**
	 * Longest time a statement of the JDBC (whole seconds) or R2DBC store may take: a locked row
	 * or a hung database fails the caller with a clear error instead of holding its thread.
	 */
	private Duration queryTimeout = Duration.ofSeconds(5);

	private final Encryption encryption = new Encryption();

	/** {@return the {@code withings.store.query-timeout} property} */
	public Duration getQueryTimeout() {
		return this.queryTimeout;
	}

	/** @param queryTimeout the {@code withings.store.query-timeout} property */
	public void setQueryTimeout(Duration queryTimeout) {
		this.queryTimeout = queryTimeout;
	}

	/** {@return the {@code withings.store.schema} property} */
	public String getSchema() {
		return this.schema;
	}

	/** @param schema the {@code withings.store.schema} property */
	public void setSchema(String schema) {
		this.schema = schema;
	}

	/** {@return the {@code withings.store.platform} property} */
	public String getPlatform() {
		return this.platform;
	}

	/** @param platform the {@code withings.store.platform} property */
	public void setPlatform(String platform) {
		this.platform = platform;
	}

	/** {@return the {@code withings.store.initialize-schema} property} */
	public DatabaseInitializationMode getInitializeSchema() {
		return this.initializeSchema;
	}

	/** @param initializeSchema the {@code withings.store.initialize-schema} property */
	public void setInitializeSchema(DatabaseInitializationMode initializeSchema) {
		this.initializeSchema = initializeSchema;
	}

	/** {@return the {@code withings.store.continue-on-error} property} */
	public boolean isContinueOnError() {
		return this.continueOnError;
	}

	/** @param continueOnError the {@code withings.store.continue-on-error} property */
	public void setContinueOnError(boolean continueOnError) {
		this.continueOnError = continueOnError;
	}

	/** {@return the {@code withings.store.type} property} */
	public StoreType getType() {
		return this.type;
	}

	/** @param type the {@code withings.store.type} property */
	public void setType(StoreType type) {
		this.type = type;
	}

	/** {@return the {@code withings.store.encryption.*} properties} */
	public Encryption getEncryption() {
		return this.encryption;
	}

	/**
	 * Where authorized clients are stored.
	 */
	public enum StoreType {

		/** A relational database through the application's DataSource. */
		JDBC,

		/** A relational database through the application's R2DBC ConnectionFactory. */
		R2DBC,

		/** Memory: lost on restart. */
		MEMORY

	}

	/**
	 * Encryption of token values at rest (AES-256-GCM with a key derived from the password and salt).
	 */
	public static class Encryption {

		/**
		 * Password the encryption key is derived from. Token values are stored in clear when unset.
		 */
		private String password;

		/**
		 * Hex-encoded salt (at least 8 bytes) used with the password.
		 */
		private String salt;

		/** {@return the {@code withings.store.encryption.password} property} */
		public String getPassword() {
			return this.password;
		}

		/** @param password the {@code withings.store.encryption.password} property */
		public void setPassword(String password) {
			this.password = password;
		}

		/** {@return the {@code withings.store.encryption.salt} property} */
		public String getSalt() {
			return this.salt;
		}

		/** @param salt the {@code withings.store.encryption.salt} property */
		public void setSalt(String salt) {
			this.salt = salt;
		}

	}

}
