package dev.imgsearch.jobs;

import org.apache.parquet.schema.GroupType;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.Type;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The Spark schema of a Parquet schema this project writes, as Spark would infer it from a file's footer: given to
 * the reader, it spares the job Spark runs to infer one. Only the types the project's layouts use are known; any
 * other fails here, where a new column's type is first read, not in a build.
 */
final class SparkSchemas {

    private SparkSchemas() {
    }

    static StructType of(GroupType parquet) {
        StructType struct = new StructType();
        for (Type field : parquet.getFields()) {
            struct = struct.add(field.getName(), typeOf(field), field.getRepetition() != Type.Repetition.REQUIRED);
        }
        return struct;
    }

    private static DataType typeOf(Type field) {
        LogicalTypeAnnotation logical = field.getLogicalTypeAnnotation();
        if (logical instanceof LogicalTypeAnnotation.ListLogicalTypeAnnotation) {
            // The standard three levels: the LIST group, its repeated group, the element.
            Type element = field.asGroupType().getType(0).asGroupType().getType(0);
            return DataTypes.createArrayType(typeOf(element), element.getRepetition() != Type.Repetition.REQUIRED);
        }
        if (!field.isPrimitive()) {
            throw unknown(field);
        }
        return switch (field.asPrimitiveType().getPrimitiveTypeName()) {
            case INT32 -> DataTypes.IntegerType;
            case INT64 -> DataTypes.LongType;
            case FLOAT -> DataTypes.FloatType;
            case BINARY -> {
                if (!(logical instanceof LogicalTypeAnnotation.StringLogicalTypeAnnotation)) {
                    throw unknown(field);
                }
                yield DataTypes.StringType;
            }
            default -> throw unknown(field);
        };
    }

    private static IllegalArgumentException unknown(Type field) {
        return new IllegalArgumentException("no Spark type for the Parquet field " + field);
    }
}
