package io.github.springwithings.autoconfigure;

import javax.sql.DataSource;

import org.springframework.boot.autoconfigure.condition.AnyNestedCondition;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.context.annotation.Conditional;

/**
 * The conditions that choose the store when {@code withings.store.type} is not set: JDBC with a
 * {@link DataSource}, else R2DBC with a {@code ConnectionFactory}, else memory.
 */
final class StoreConditions {

	static final String STORE_TYPE = "withings.store.type";

	private StoreConditions() {
	}

	/** R2DBC when asked for, or when nothing is said and the JDBC store cannot be configured. */
	static class R2dbcStoreCondition extends AnyNestedCondition {

		R2dbcStoreCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = STORE_TYPE, havingValue = "r2dbc")
		static class Asked {

		}

		@ConditionalOnProperty(name = STORE_TYPE, havingValue = "r2dbc", matchIfMissing = true)
		@Conditional(NoJdbcStoreCondition.class)
		static class Default {

		}

	}

	/**
	 * Memory when asked for, or when nothing is said and neither relational store can be
	 * configured.
	 */
	static class MemoryStoreCondition extends AnyNestedCondition {

		MemoryStoreCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnProperty(name = STORE_TYPE, havingValue = "memory")
		static class Asked {

		}

		@ConditionalOnProperty(name = STORE_TYPE, havingValue = "memory", matchIfMissing = true)
		@Conditional({ NoJdbcStoreCondition.class, NoR2dbcStoreCondition.class })
		static class Default {

		}

	}

	/** No {@link DataSource}, or no Spring JDBC or Boot JDBC. */
	static class NoJdbcStoreCondition extends AnyNestedCondition {

		NoJdbcStoreCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnMissingBean(DataSource.class)
		static class NoDataSource {

		}

		@ConditionalOnMissingClass("org.springframework.jdbc.core.JdbcOperations")
		static class NoSpringJdbc {

		}

		@ConditionalOnMissingClass("org.springframework.boot.jdbc.init.DataSourceScriptDatabaseInitializer")
		static class NoBootJdbc {

		}

	}

	/** No R2DBC {@link ConnectionFactory}, or no Spring R2DBC or Boot R2DBC. */
	static class NoR2dbcStoreCondition extends AnyNestedCondition {

		NoR2dbcStoreCondition() {
			super(ConfigurationPhase.REGISTER_BEAN);
		}

		@ConditionalOnMissingClass("io.r2dbc.spi.ConnectionFactory")
		static class NoR2dbc {

		}

		@ConditionalOnMissingClass("org.springframework.r2dbc.core.DatabaseClient")
		static class NoSpringR2dbc {

		}

		@ConditionalOnMissingClass("org.springframework.boot.r2dbc.init.R2dbcScriptDatabaseInitializer")
		static class NoBootR2dbc {

		}

		@ConditionalOnClass(name = "io.r2dbc.spi.ConnectionFactory")
		@ConditionalOnMissingBean(type = "io.r2dbc.spi.ConnectionFactory")
		static class NoConnectionFactory {

		}

	}

}
