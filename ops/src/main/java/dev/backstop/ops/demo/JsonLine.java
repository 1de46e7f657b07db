package dev.backstop.ops.demo;

/**
 * Builds one JSON object on one line, fields in the order they are added, so a summary reads the same every run
 * and a script can pick it apart with {@code jq}. Only what the tooling needs: strings, integers, booleans and
 * nested objects already rendered.
 */
public final class JsonLine
{
    private final StringBuilder json = new StringBuilder(256).append('{');
    private boolean first = true;

    /**
     * @param name  field name.
     * @param value field value.
     * @return this.
     */
    public JsonLine field(final String name, final long value)
    {
        return name(name).append(value);
    }

    /**
     * @param name  field name.
     * @param value field value, finite (NaN and infinities have no JSON form: written as null).
     * @return this.
     */
    public JsonLine field(final String name, final double value)
    {
        name(name);
        if (Double.isNaN(value) || Double.isInfinite(value))
        {
            json.append("null");
        }
        else
        {
            json.append(value);
        }
        return this;
    }

    /**
     * @param name  field name.
     * @param value field value.
     * @return this.
     */
    public JsonLine field(final String name, final boolean value)
    {
        return name(name).append(value);
    }

    /**
     * @param name  field name.
     * @param value field value; null is written as JSON null.
     * @return this.
     */
    public JsonLine field(final String name, final String value)
    {
        name(name);
        if (null == value)
        {
            json.append("null");
        }
        else
        {
            quote(json, value);
        }
        return this;
    }

    /**
     * @param name   field name.
     * @param object a nested object.
     * @return this.
     */
    public JsonLine field(final String name, final JsonLine object)
    {
        name(name);
        json.append(object);
        return this;
    }

    /**
     * @param name field name.
     * @param json a value already rendered as JSON (an array, for example).
     * @return this.
     */
    public JsonLine rawField(final String name, final String json)
    {
        name(name);
        this.json.append(json);
        return this;
    }

    private JsonLine append(final Object value)
    {
        json.append(value);
        return this;
    }

    private JsonLine name(final String name)
    {
        if (!first)
        {
            json.append(',');
        }
        first = false;
        quote(json, name);
        json.append(':');
        return this;
    }

    /**
     * Append a string as a JSON string literal.
     *
     * @param out   to append to.
     * @param value to quote and escape.
     */
    static void quote(final StringBuilder out, final String value)
    {
        out.append('"');
        for (int i = 0, n = value.length(); i < n; i++)
        {
            final char c = value.charAt(i);
            switch (c)
            {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default ->
                {
                    if (c < 0x20)
                    {
                        out.append(String.format("\\u%04x", (int)c));
                    }
                    else
                    {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    public String toString()
    {
        return json + "}";
    }
}
