/// The API's OpenAPI 3.1 document, served at `/openapi.json` and printed by `agentstate openapi`.
/// It lives in the source so the binary needs no resource files. The test command runs
/// schemathesis against a live server with it: every response must match.
enum OpenAPIDocument {
    static let json = #"""
{
 "openapi": "3.1.0",
 "info": {
  "title": "AgentState",
  "version": "0.1.0",
  "description": "The state layer for long-running AI agents: conversations, runs (steps, effects, approvals, timers, checkpoints, events) and long-term memory. Every request carries 'Authorization: Bearer <key>'; the key's tenant scopes what it sees. Errors are RFC 9457 problem documents."
 },
 "servers": [
  {
   "url": "http://127.0.0.1:8080"
  }
 ],
 "security": [
  {
   "bearer": []
  }
 ],
 "paths": {
  "/v1/sessions": {
   "post": {
    "summary": "Create a session",
    "tags": [
     "Sessions"
    ],
    "operationId": "createSession",
    "parameters": [
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SessionCreate"
       }
      }
     }
    }
   },
   "get": {
    "summary": "List sessions, newest first",
    "tags": [
     "Sessions"
    ],
    "operationId": "listSessions",
    "parameters": [
     {
      "name": "user_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "status",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "active",
        "closed",
        "expired"
       ]
      }
     },
     {
      "$ref": "#/components/parameters/Limit"
     },
     {
      "$ref": "#/components/parameters/Cursor"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SessionPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/sessions/{id}": {
   "get": {
    "summary": "Get a session",
    "tags": [
     "Sessions"
    ],
    "operationId": "getSession",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "patch": {
    "summary": "Change a session's title, metadata (merge patch) or TTL",
    "tags": [
     "Sessions"
    ],
    "operationId": "updateSession",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SessionUpdate"
       }
      }
     }
    }
   },
   "delete": {
    "summary": "Delete a session with its messages and events",
    "tags": [
     "Sessions"
    ],
    "operationId": "deleteSession",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/sessions/{id}/close": {
   "post": {
    "summary": "Close a session",
    "tags": [
     "Sessions"
    ],
    "operationId": "closeSession",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/sessions/{id}/messages": {
   "post": {
    "summary": "Append one message, or several with expected_last_seq",
    "tags": [
     "Messages"
    ],
    "operationId": "appendMessages",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "expected_last_seq",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer"
      }
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "201": {
      "description": "Appended",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AppendedBody"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "oneOf": [
         {
          "$ref": "#/components/schemas/NewMessage"
         },
         {
          "$ref": "#/components/schemas/AppendBody"
         }
        ]
       }
      }
     }
    }
   },
   "get": {
    "summary": "Read messages: last N, after a seq, a time range, or a token budget",
    "tags": [
     "Messages"
    ],
    "operationId": "readMessages",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "tail",
      "in": "query",
      "required": false,
      "description": "The newest N messages of the raw history, whatever a summary covers",
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000
      }
     },
     {
      "name": "include",
      "in": "query",
      "required": false,
      "description": "session: the session itself (context, version) with the window, in one round trip",
      "schema": {
       "type": "string",
       "enum": [
        "session"
       ]
      }
     },
     {
      "name": "last",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1,
       "maximum": 1000
      }
     },
     {
      "name": "after_seq",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": 9223372036854775807
      }
     },
     {
      "name": "since",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "name": "until",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "name": "max_tokens",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 1
      }
     },
     {
      "$ref": "#/components/parameters/Limit"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MessageWindow"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/sessions/{id}/tool-calls/{call_id}": {
   "get": {
    "summary": "Where a tool call stands: the message that asked for it, and its answer if one came",
    "tags": [
     "Messages"
    ],
    "operationId": "toolCall",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "call_id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "minLength": 1,
       "maxLength": 256
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ToolCallState"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/sessions/{id}/compact": {
   "post": {
    "summary": "Store a summary of the messages up to through_seq",
    "tags": [
     "Messages"
    ],
    "operationId": "compact",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Session"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CompactBody"
       }
      }
     }
    }
   }
  },
  "/v1/sessions/{id}/context": {
   "get": {
    "summary": "Get the session context",
    "tags": [
     "Sessions"
    ],
    "operationId": "getContext",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ContextBody"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "patch": {
    "summary": "Change the context by JSON merge patch (RFC 7396)",
    "tags": [
     "Sessions"
    ],
    "operationId": "patchContext",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ContextBody"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "type": "object"
       }
      }
     }
    }
   }
  },
  "/v1/sessions/{id}/events": {
   "get": {
    "summary": "A session's events",
    "tags": [
     "History"
    ],
    "operationId": "sessionEvents",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "after_seq",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": 9223372036854775807
      }
     },
     {
      "$ref": "#/components/parameters/Limit"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/EventList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/sessions/{id}/verify": {
   "get": {
    "summary": "Check a session's hash chain",
    "tags": [
     "History"
    ],
    "operationId": "verifySession",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ChainVerification"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs": {
   "post": {
    "summary": "Create a run",
    "tags": [
     "Runs"
    ],
    "operationId": "createRun",
    "parameters": [
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RunCreate"
       }
      }
     }
    }
   },
   "get": {
    "summary": "List runs, newest first",
    "tags": [
     "Runs"
    ],
    "operationId": "listRuns",
    "parameters": [
     {
      "name": "status",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "created",
        "running",
        "waiting_for_approval",
        "waiting",
        "completed",
        "failed",
        "cancelled"
       ]
      }
     },
     {
      "name": "owner",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "workflow",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "user_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "updated_before",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "$ref": "#/components/parameters/Limit"
     },
     {
      "$ref": "#/components/parameters/Cursor"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}": {
   "get": {
    "summary": "Get a run",
    "tags": [
     "Runs"
    ],
    "operationId": "getRun",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "delete": {
    "summary": "Delete a finished run with its steps, effects, approvals, checkpoints and events (409 while it is not finished)",
    "tags": [
     "Runs"
    ],
    "operationId": "deleteRun",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}/transitions": {
   "post": {
    "summary": "Move a run along its state machine",
    "tags": [
     "Runs"
    ],
    "operationId": "transition",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RunTransition"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/usage": {
   "post": {
    "summary": "Add to a run's usage",
    "tags": [
     "Runs"
    ],
    "operationId": "recordUsage",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Usage"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/steps/{name}": {
   "put": {
    "summary": "Write a step",
    "tags": [
     "Steps"
    ],
    "operationId": "putStep",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "name",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Step"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/StepWrite"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/steps": {
   "get": {
    "summary": "A run's steps in order",
    "tags": [
     "Steps"
    ],
    "operationId": "listSteps",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/StepList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}/effects/{key}/begin": {
   "post": {
    "summary": "Begin an effect: acquired, in_progress or completed",
    "tags": [
     "Effects"
    ],
    "operationId": "beginEffect",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "key",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/EffectBeginResult"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/EffectBegin"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/effects/{key}/complete": {
   "post": {
    "summary": "Complete an effect",
    "tags": [
     "Effects"
    ],
    "operationId": "completeEffect",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "key",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Effect"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CompleteEffectBody"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/effects/{key}/fail": {
   "post": {
    "summary": "Fail an effect",
    "tags": [
     "Effects"
    ],
    "operationId": "failEffect",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "key",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Effect"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/FailEffectBody"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/effects/{key}": {
   "get": {
    "summary": "Get an effect",
    "tags": [
     "Effects"
    ],
    "operationId": "getEffect",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "key",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Effect"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}/checkpoints": {
   "post": {
    "summary": "Save a checkpoint whole (state) or as a merge patch (patch)",
    "tags": [
     "Checkpoints"
    ],
    "operationId": "saveCheckpoint",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "Prefer",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string",
       "maxLength": 256
      },
      "description": "return=minimal answers with the checkpoint as stored (a CheckpointRecord: the patch, or the whole state when stored whole) instead of the whole state"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "201": {
      "description": "Saved",
      "content": {
       "application/json": {
        "schema": {
         "anyOf": [
          {
           "$ref": "#/components/schemas/Checkpoint"
          },
          {
           "$ref": "#/components/schemas/CheckpointRecord"
          }
         ]
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/CheckpointBody"
       }
      }
     }
    }
   },
   "get": {
    "summary": "Stored checkpoints as written",
    "tags": [
     "Checkpoints"
    ],
    "operationId": "listCheckpoints",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "after_seq",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": 9223372036854775807
      }
     },
     {
      "$ref": "#/components/parameters/Limit"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/CheckpointList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}/checkpoints/latest": {
   "get": {
    "summary": "The latest checkpoint (of a step, with ?step=)",
    "tags": [
     "Checkpoints"
    ],
    "operationId": "latestCheckpoint",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "step",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Checkpoint"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}/checkpoints/{seq}": {
   "get": {
    "summary": "A checkpoint by seq",
    "tags": [
     "Checkpoints"
    ],
    "operationId": "getCheckpoint",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "seq",
      "in": "path",
      "required": true,
      "schema": {
       "type": "integer"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Checkpoint"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}/events": {
   "get": {
    "summary": "A run's events",
    "tags": [
     "History"
    ],
    "operationId": "runEvents",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "after_seq",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer",
       "minimum": 0,
       "maximum": 9223372036854775807
      }
     },
     {
      "$ref": "#/components/parameters/Limit"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/EventList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "post": {
    "summary": "Append an event of the agent's own",
    "tags": [
     "History"
    ],
    "operationId": "appendEvent",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "201": {
      "description": "Appended",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Event"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/EventBody"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/verify": {
   "get": {
    "summary": "Check a run's hash chain",
    "tags": [
     "History"
    ],
    "operationId": "verifyRun",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ChainVerification"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}/state": {
   "get": {
    "summary": "The run as it stood at a seq or a time",
    "tags": [
     "History"
    ],
    "operationId": "runState",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "at_seq",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer"
      }
     },
     {
      "name": "at_time",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RunSnapshot"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}/fork": {
   "post": {
    "summary": "A new run from a past point",
    "tags": [
     "History"
    ],
    "operationId": "fork",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "201": {
      "description": "Forked",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ForkBody"
       }
      }
     }
    }
   }
  },
  "/v1/runs/claim": {
   "post": {
    "summary": "Claim the next runnable run (204 when none)",
    "tags": [
     "Workers"
    ],
    "operationId": "claim",
    "parameters": [
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ClaimedRun"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "204": {
      "description": "Nothing to claim"
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ClaimRequest"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/lease/renew": {
   "post": {
    "summary": "Renew a lease",
    "tags": [
     "Workers"
    ],
    "operationId": "renewLease",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Lease"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RenewBody"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/lease": {
   "delete": {
    "summary": "Release a lease",
    "tags": [
     "Workers"
    ],
    "operationId": "releaseLease",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "name": "token",
      "in": "query",
      "required": true,
      "schema": {
       "type": "integer"
      }
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/runs/{id}/wait": {
   "post": {
    "summary": "Wait until a time or a signal",
    "tags": [
     "Workers"
    ],
    "operationId": "wait",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/WaitRequest"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/signal": {
   "post": {
    "summary": "Wake a waiting run",
    "tags": [
     "Workers"
    ],
    "operationId": "signal",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Run"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/SignalBody"
       }
      }
     }
    }
   }
  },
  "/v1/runs/{id}/approvals": {
   "post": {
    "summary": "Request an approval; the run waits for it",
    "tags": [
     "Approvals"
    ],
    "operationId": "requestApproval",
    "parameters": [
     {
      "$ref": "#/components/parameters/Id"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "201": {
      "description": "Requested",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Approval"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/ApprovalRequest"
       }
      }
     }
    }
   }
  },
  "/v1/approvals": {
   "get": {
    "summary": "List approvals, oldest first",
    "tags": [
     "Approvals"
    ],
    "operationId": "listApprovals",
    "parameters": [
     {
      "name": "status",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "enum": [
        "pending",
        "approved",
        "rejected",
        "expired",
        "cancelled"
       ]
      }
     },
     {
      "name": "approver",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "group",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "run_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "overdue",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      }
     },
     {
      "$ref": "#/components/parameters/Limit"
     },
     {
      "$ref": "#/components/parameters/Cursor"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ApprovalPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/approvals/{id}": {
   "get": {
    "summary": "Get an approval",
    "tags": [
     "Approvals"
    ],
    "operationId": "getApproval",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Approval"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/approvals/{id}/decision": {
   "post": {
    "summary": "Approve or reject (operator or admin)",
    "tags": [
     "Approvals"
    ],
    "operationId": "decide",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Approval"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/Decision"
       }
      }
     }
    }
   }
  },
  "/v1/memory/{user}/{namespace}/{key}": {
   "put": {
    "summary": "Put a memory item",
    "tags": [
     "Memory"
    ],
    "operationId": "putMemory",
    "parameters": [
     {
      "name": "user",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "name": "namespace",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.:/-]{1,256}$"
      }
     },
     {
      "name": "key",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.:/-]{1,256}$"
      }
     },
     {
      "$ref": "#/components/parameters/IfMatch"
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MemoryItem"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/MemoryWrite"
       }
      }
     }
    }
   },
   "get": {
    "summary": "Get a memory item",
    "tags": [
     "Memory"
    ],
    "operationId": "getMemory",
    "parameters": [
     {
      "name": "user",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "name": "namespace",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.:/-]{1,256}$"
      }
     },
     {
      "name": "key",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.:/-]{1,256}$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MemoryItem"
        }
       }
      },
      "headers": {
       "ETag": {
        "description": "The record's version",
        "schema": {
         "type": "string"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "delete": {
    "summary": "Delete a memory item",
    "tags": [
     "Memory"
    ],
    "operationId": "deleteMemory",
    "parameters": [
     {
      "name": "user",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "name": "namespace",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.:/-]{1,256}$"
      }
     },
     {
      "name": "key",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.:/-]{1,256}$"
      }
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "204": {
      "description": "Deleted"
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/memory/{user}/{namespace}": {
   "get": {
    "summary": "List a namespace by key prefix",
    "tags": [
     "Memory"
    ],
    "operationId": "listMemory",
    "parameters": [
     {
      "name": "user",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "name": "namespace",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.:/-]{1,256}$"
      }
     },
     {
      "name": "prefix",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "$ref": "#/components/parameters/Limit"
     },
     {
      "$ref": "#/components/parameters/Cursor"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MemoryPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/memory/{user}/search": {
   "post": {
    "summary": "Search a user's memory by text and/or vector",
    "tags": [
     "Memory"
    ],
    "operationId": "searchMemory",
    "parameters": [
     {
      "name": "user",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/MemoryHitList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/MemorySearch"
       }
      }
     }
    }
   }
  },
  "/v1/retention": {
   "get": {
    "summary": "The tenant's retention policy: how long finished sessions and runs are kept",
    "tags": [
     "Retention"
    ],
    "operationId": "getRetention",
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RetentionPolicy"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   },
   "put": {
    "summary": "Replace the tenant's retention policy (admin)",
    "tags": [
     "Retention"
    ],
    "operationId": "putRetention",
    "parameters": [
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/RetentionUpdate"
       }
      }
     }
    },
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RetentionPolicy"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/admin/retention": {
   "post": {
    "summary": "Archive and remove the tenant's finished records past its policy now (admin)",
    "tags": [
     "Retention"
    ],
    "operationId": "runRetention",
    "parameters": [
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/RetentionReport"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/audit": {
   "get": {
    "summary": "The tenant's audit trail, newest first: who read or changed what, when, from where (operator, admin)",
    "tags": [
     "Audit"
    ],
    "operationId": "listAudit",
    "parameters": [
     {
      "name": "key_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "name": "since",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "name": "until",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string",
       "format": "date-time"
      }
     },
     {
      "name": "changes_only",
      "in": "query",
      "required": false,
      "schema": {
       "type": "boolean"
      }
     },
     {
      "$ref": "#/components/parameters/Limit"
     },
     {
      "$ref": "#/components/parameters/Cursor"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/AuditPage"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/users/{user}/export": {
   "get": {
    "summary": "Everything stored about a user (admin)",
    "tags": [
     "Users"
    ],
    "operationId": "exportUser",
    "parameters": [
     {
      "name": "user",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/UserExport"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/users/{user}": {
   "delete": {
    "summary": "Erase a user everywhere, with a receipt (admin)",
    "tags": [
     "Users"
    ],
    "operationId": "eraseUser",
    "parameters": [
     {
      "name": "user",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/ErasureReceipt"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/keys": {
   "post": {
    "summary": "Create an API key in the caller's tenant (admin); the secret is shown once",
    "tags": [
     "Admin"
    ],
    "operationId": "createKey",
    "parameters": [
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "201": {
      "description": "Created",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/IssuedKeyView"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    },
    "requestBody": {
     "required": true,
     "content": {
      "application/json": {
       "schema": {
        "$ref": "#/components/schemas/KeyCreateBody"
       }
      }
     }
    }
   },
   "get": {
    "summary": "The tenant's keys (admin)",
    "tags": [
     "Admin"
    ],
    "operationId": "listKeys",
    "parameters": [],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/KeyList"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/keys/{id}": {
   "delete": {
    "summary": "Revoke a key (admin)",
    "tags": [
     "Admin"
    ],
    "operationId": "revokeKey",
    "parameters": [
     {
      "name": "id",
      "in": "path",
      "required": true,
      "schema": {
       "type": "string",
       "pattern": "^[A-Za-z0-9_.-]{1,128}$"
      }
     },
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/KeyView"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/whoami": {
   "get": {
    "summary": "The caller's key",
    "tags": [
     "Admin"
    ],
    "operationId": "whoami",
    "parameters": [],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/KeyView"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/statistics": {
   "get": {
    "summary": "Runs by status and approvals waiting in the caller's tenant",
    "tags": [
     "Admin"
    ],
    "operationId": "statistics",
    "parameters": [],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/StoreStatistics"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/admin/sweep": {
   "post": {
    "summary": "Run one sweep now (admin)",
    "tags": [
     "Admin"
    ],
    "operationId": "sweep",
    "parameters": [
     {
      "$ref": "#/components/parameters/IdempotencyKey"
     }
    ],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/SweepReport"
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/v1/events/stream": {
   "get": {
    "summary": "Change feed (Server-Sent Events) for a run or a session; resume with Last-Event-ID",
    "tags": [
     "History"
    ],
    "operationId": "eventStream",
    "parameters": [
     {
      "name": "run_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "session_id",
      "in": "query",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "Last-Event-ID",
      "in": "header",
      "required": false,
      "schema": {
       "type": "string"
      }
     },
     {
      "name": "max_events",
      "in": "query",
      "required": false,
      "schema": {
       "type": "integer"
      },
      "description": "End the stream after this many events"
     }
    ],
    "responses": {
     "200": {
      "description": "An event stream: each event has an id (for Last-Event-ID), a type, and data holding the event or message as JSON",
      "content": {
       "text/event-stream": {
        "schema": {
         "type": "object",
         "properties": {
          "id": {
           "type": "string"
          },
          "event": {
           "type": "string"
          },
          "data": {
           "type": "string"
          },
          "retry": {
           "type": "integer"
          }
         }
        }
       }
      }
     },
     "400": {
      "$ref": "#/components/responses/Problem"
     },
     "401": {
      "$ref": "#/components/responses/Problem"
     },
     "403": {
      "$ref": "#/components/responses/Problem"
     },
     "404": {
      "$ref": "#/components/responses/Problem"
     },
     "409": {
      "$ref": "#/components/responses/Problem"
     },
     "412": {
      "$ref": "#/components/responses/Problem"
     },
     "413": {
      "$ref": "#/components/responses/Problem"
     },
     "422": {
      "$ref": "#/components/responses/Problem"
     },
     "429": {
      "$ref": "#/components/responses/Problem"
     },
     "503": {
      "$ref": "#/components/responses/Problem"
     }
    }
   }
  },
  "/health/live": {
   "get": {
    "summary": "The process is up",
    "tags": [
     "Operations"
    ],
    "operationId": "live",
    "security": [],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     }
    }
   }
  },
  "/health/ready": {
   "get": {
    "summary": "The store answers",
    "tags": [
     "Operations"
    ],
    "operationId": "ready",
    "security": [],
    "responses": {
     "200": {
      "description": "OK",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     },
     "503": {
      "description": "The store does not answer",
      "content": {
       "application/json": {
        "schema": {
         "$ref": "#/components/schemas/Health"
        }
       }
      }
     }
    }
   }
  },
  "/metrics": {
   "get": {
    "summary": "Prometheus metrics",
    "tags": [
     "Operations"
    ],
    "operationId": "metrics",
    "security": [],
    "responses": {
     "200": {
      "description": "Prometheus text format",
      "content": {
       "text/plain": {
        "schema": {
         "type": "string"
        }
       }
      }
     }
    }
   }
  },
  "/openapi.json": {
   "get": {
    "summary": "This document",
    "tags": [
     "Operations"
    ],
    "operationId": "openapi",
    "security": [],
    "responses": {
     "200": {
      "description": "OpenAPI 3.1",
      "content": {
       "application/json": {
        "schema": {
         "type": "object"
        }
       }
      }
     }
    }
   }
  }
 },
 "components": {
  "schemas": {
   "Problem": {
    "type": "object",
    "properties": {
     "type": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "status": {
      "type": "integer"
     },
     "detail": {
      "type": "string"
     },
     "field": {
      "type": "string"
     },
     "current": {
      "type": "string"
     },
     "code": {
      "type": "string"
     }
    },
    "required": [
     "type",
     "title",
     "status",
     "detail",
     "code"
    ]
   },
   "Summary": {
    "type": "object",
    "properties": {
     "text": {
      "type": "string"
     },
     "through_seq": {
      "type": "integer"
     },
     "tokens": {
      "type": "integer"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "text",
     "through_seq",
     "tokens",
     "created_at"
    ]
   },
   "Session": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "id": {
      "type": "string"
     },
     "user_id": {
      "type": "string"
     },
     "agent_id": {
      "type": "string"
     },
     "title": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "enum": [
       "active",
       "closed",
       "expired"
      ]
     },
     "metadata": {},
     "context": {},
     "ttl_seconds": {
      "type": "integer"
     },
     "expires_at": {
      "type": "string",
      "format": "date-time"
     },
     "last_seq": {
      "type": "integer"
     },
     "system_seq": {
      "type": "integer"
     },
     "summary": {
      "$ref": "#/components/schemas/Summary"
     },
     "version": {
      "type": "integer"
     },
     "schema_version": {
      "type": "integer"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     },
     "last_activity_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "id",
     "status",
     "metadata",
     "context",
     "last_seq",
     "version",
     "schema_version",
     "created_at",
     "updated_at",
     "last_activity_at"
    ]
   },
   "SessionCreate": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     },
     "user_id": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     },
     "agent_id": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     },
     "title": {
      "type": "string",
      "maxLength": 1024
     },
     "metadata": {
      "type": "object"
     },
     "context": {
      "type": "object"
     },
     "ttl_seconds": {
      "type": "integer",
      "minimum": 1,
      "maximum": 31622400
     }
    }
   },
   "SessionUpdate": {
    "type": "object",
    "properties": {
     "title": {
      "type": "string",
      "maxLength": 1024
     },
     "metadata": {
      "type": "object"
     },
     "ttl_seconds": {
      "type": "integer",
      "minimum": 1,
      "maximum": 31622400
     },
     "expected_version": {
      "type": "integer"
     }
    }
   },
   "SessionPage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Session"
      }
     },
     "next_cursor": {
      "type": "string"
     }
    },
    "required": [
     "items"
    ]
   },
   "ToolCall": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "arguments": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "name",
     "arguments"
    ]
   },
   "ToolCallState": {
    "type": "object",
    "properties": {
     "call": {
      "$ref": "#/components/schemas/ToolCall"
     },
     "status": {
      "type": "string",
      "enum": [
       "pending",
       "answered"
      ]
     },
     "request_seq": {
      "type": "integer"
     },
     "result": {
      "$ref": "#/components/schemas/Message"
     }
    },
    "required": [
     "call",
     "status",
     "request_seq"
    ]
   },
   "NewMessage": {
    "type": "object",
    "properties": {
     "role": {
      "type": "string",
      "enum": [
       "system",
       "user",
       "assistant",
       "tool"
      ]
     },
     "content": {
      "type": "string"
     },
     "tool_call_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "tool_calls": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/ToolCall"
      }
     },
     "tokens": {
      "type": "integer"
     },
     "metadata": {
      "type": "object"
     }
    },
    "required": [
     "role",
     "content"
    ]
   },
   "Message": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "session_id": {
      "type": "string"
     },
     "seq": {
      "type": "integer"
     },
     "role": {
      "type": "string",
      "enum": [
       "system",
       "user",
       "assistant",
       "tool"
      ]
     },
     "content": {
      "type": "string"
     },
     "tool_call_id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "tool_calls": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/ToolCall"
      }
     },
     "tokens": {
      "type": "integer"
     },
     "metadata": {},
     "created_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "session_id",
     "seq",
     "role",
     "content",
     "tokens",
     "created_at"
    ]
   },
   "AppendBody": {
    "type": "object",
    "properties": {
     "messages": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/NewMessage"
      }
     },
     "expected_last_seq": {
      "type": "integer"
     }
    },
    "required": [
     "messages"
    ]
   },
   "AppendedBody": {
    "type": "object",
    "properties": {
     "messages": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Message"
      }
     },
     "last_seq": {
      "type": "integer"
     }
    },
    "required": [
     "messages",
     "last_seq"
    ]
   },
   "MessageWindow": {
    "type": "object",
    "properties": {
     "summary": {
      "$ref": "#/components/schemas/Summary"
     },
     "messages": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Message"
      }
     },
     "last_seq": {
      "type": "integer"
     },
     "tokens": {
      "type": "integer"
     },
     "session": {
      "$ref": "#/components/schemas/Session"
     }
    },
    "required": [
     "messages",
     "last_seq",
     "tokens"
    ]
   },
   "CompactBody": {
    "type": "object",
    "properties": {
     "summary": {
      "type": "string",
      "minLength": 1
     },
     "through_seq": {
      "type": "integer",
      "minimum": 1
     },
     "tokens": {
      "type": "integer",
      "minimum": 0
     }
    },
    "required": [
     "summary",
     "through_seq"
    ]
   },
   "ContextBody": {
    "type": "object",
    "properties": {
     "context": {},
     "version": {
      "type": "integer"
     }
    },
    "required": [
     "context",
     "version"
    ]
   },
   "ErrorInfo": {
    "type": "object",
    "properties": {
     "kind": {
      "type": "string"
     },
     "message": {
      "type": "string"
     }
    },
    "required": [
     "kind",
     "message"
    ]
   },
   "Usage": {
    "type": "object",
    "properties": {
     "tokens_in": {
      "type": "integer"
     },
     "tokens_out": {
      "type": "integer"
     },
     "tool_calls": {
      "type": "integer"
     },
     "retries": {
      "type": "integer"
     },
     "wall_time_ms": {
      "type": "integer"
     },
     "model_request_ids": {
      "type": "array",
      "items": {
       "type": "string"
      }
     }
    }
   },
   "Lease": {
    "type": "object",
    "properties": {
     "holder": {
      "type": "string"
     },
     "token": {
      "type": "integer"
     },
     "expires_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "holder",
     "token",
     "expires_at"
    ]
   },
   "ForkOrigin": {
    "type": "object",
    "properties": {
     "run_id": {
      "type": "string"
     },
     "event_seq": {
      "type": "integer"
     }
    },
    "required": [
     "run_id",
     "event_seq"
    ]
   },
   "Run": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "id": {
      "type": "string"
     },
     "workflow": {
      "type": "string"
     },
     "session_id": {
      "type": "string"
     },
     "user_id": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "enum": [
       "created",
       "running",
       "waiting_for_approval",
       "waiting",
       "completed",
       "failed",
       "cancelled"
      ]
     },
     "current_step": {
      "type": "string"
     },
     "owner": {
      "type": "string"
     },
     "retry_count": {
      "type": "integer"
     },
     "last_error": {
      "$ref": "#/components/schemas/ErrorInfo"
     },
     "last_attempt_at": {
      "type": "string",
      "format": "date-time"
     },
     "input": {},
     "output": {},
     "prompt_version": {
      "type": "string"
     },
     "model": {
      "type": "string"
     },
     "usage": {
      "$ref": "#/components/schemas/Usage"
     },
     "lease": {
      "$ref": "#/components/schemas/Lease"
     },
     "fencing_token": {
      "type": "integer"
     },
     "wait_until": {
      "type": "string",
      "format": "date-time"
     },
     "wait_reason": {
      "type": "string"
     },
     "pending_approval_id": {
      "type": "string"
     },
     "forked_from": {
      "$ref": "#/components/schemas/ForkOrigin"
     },
     "metadata": {},
     "event_seq": {
      "type": "integer"
     },
     "version": {
      "type": "integer"
     },
     "schema_version": {
      "type": "integer"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     },
     "finished_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "id",
     "workflow",
     "status",
     "retry_count",
     "input",
     "usage",
     "fencing_token",
     "metadata",
     "event_seq",
     "version",
     "schema_version",
     "created_at",
     "updated_at"
    ]
   },
   "RunCreate": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     },
     "workflow": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     },
     "session_id": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     },
     "user_id": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     },
     "input": {},
     "owner": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "prompt_version": {
      "type": "string"
     },
     "model": {
      "type": "string"
     },
     "metadata": {
      "type": "object"
     }
    },
    "required": [
     "workflow"
    ]
   },
   "RunTransition": {
    "type": "object",
    "properties": {
     "to": {
      "type": "string",
      "enum": [
       "created",
       "running",
       "waiting_for_approval",
       "waiting",
       "completed",
       "failed",
       "cancelled"
      ]
     },
     "error": {
      "$ref": "#/components/schemas/ErrorInfo"
     },
     "output": {},
     "owner": {
      "type": "string"
     },
     "reason": {
      "type": "string"
     },
     "expected_version": {
      "type": "integer"
     },
     "fencing_token": {
      "type": "integer"
     }
    },
    "required": [
     "to"
    ]
   },
   "RunPage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Run"
      }
     },
     "next_cursor": {
      "type": "string"
     }
    },
    "required": [
     "items"
    ]
   },
   "Step": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "run_id": {
      "type": "string"
     },
     "name": {
      "type": "string"
     },
     "index": {
      "type": "integer"
     },
     "status": {
      "type": "string",
      "enum": [
       "pending",
       "running",
       "completed",
       "failed",
       "skipped"
      ]
     },
     "input": {},
     "result": {},
     "error": {
      "$ref": "#/components/schemas/ErrorInfo"
     },
     "attempts": {
      "type": "integer"
     },
     "started_at": {
      "type": "string",
      "format": "date-time"
     },
     "finished_at": {
      "type": "string",
      "format": "date-time"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "run_id",
     "name",
     "index",
     "status",
     "attempts",
     "created_at",
     "updated_at"
    ]
   },
   "StepWrite": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string",
      "enum": [
       "pending",
       "running",
       "completed",
       "failed",
       "skipped"
      ]
     },
     "input": {},
     "result": {},
     "error": {
      "$ref": "#/components/schemas/ErrorInfo"
     },
     "fencing_token": {
      "type": "integer"
     }
    },
    "required": [
     "status"
    ]
   },
   "StepList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Step"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "Effect": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "run_id": {
      "type": "string"
     },
     "key": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "enum": [
       "in_progress",
       "completed",
       "failed"
      ]
     },
     "holder": {
      "type": "string"
     },
     "attempt_token": {
      "type": "integer"
     },
     "lease_expires_at": {
      "type": "string",
      "format": "date-time"
     },
     "request": {},
     "result": {},
     "external_id": {
      "type": "string"
     },
     "error": {
      "$ref": "#/components/schemas/ErrorInfo"
     },
     "attempts": {
      "type": "integer"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     },
     "completed_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "run_id",
     "key",
     "status",
     "attempt_token",
     "attempts",
     "created_at",
     "updated_at"
    ]
   },
   "EffectBegin": {
    "type": "object",
    "properties": {
     "holder": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "lease_seconds": {
      "type": "integer",
      "minimum": 1,
      "maximum": 86400
     },
     "request": {},
     "fencing_token": {
      "type": "integer"
     }
    },
    "required": [
     "holder"
    ]
   },
   "EffectBeginResult": {
    "type": "object",
    "properties": {
     "outcome": {
      "type": "string",
      "enum": [
       "acquired",
       "in_progress",
       "completed"
      ]
     },
     "effect": {
      "$ref": "#/components/schemas/Effect"
     }
    },
    "required": [
     "outcome",
     "effect"
    ]
   },
   "CompleteEffectBody": {
    "type": "object",
    "properties": {
     "attempt_token": {
      "type": "integer"
     },
     "result": {},
     "external_id": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     }
    },
    "required": [
     "attempt_token"
    ]
   },
   "FailEffectBody": {
    "type": "object",
    "properties": {
     "attempt_token": {
      "type": "integer"
     },
     "error": {
      "$ref": "#/components/schemas/ErrorInfo"
     }
    },
    "required": [
     "attempt_token",
     "error"
    ]
   },
   "Approval": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "id": {
      "type": "string"
     },
     "run_id": {
      "type": "string"
     },
     "status": {
      "type": "string",
      "enum": [
       "pending",
       "approved",
       "rejected",
       "expired",
       "cancelled"
      ]
     },
     "approver": {
      "type": "string"
     },
     "group": {
      "type": "string"
     },
     "reason": {
      "type": "string"
     },
     "step": {
      "type": "string"
     },
     "expires_at": {
      "type": "string",
      "format": "date-time"
     },
     "on_expiry": {
      "type": "string",
      "enum": [
       "fail",
       "escalate"
      ]
     },
     "escalate_to": {
      "type": "string"
     },
     "escalated": {
      "type": "boolean"
     },
     "decided_by": {
      "type": "string"
     },
     "comment": {
      "type": "string"
     },
     "decided_at": {
      "type": "string",
      "format": "date-time"
     },
     "version": {
      "type": "integer"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "id",
     "run_id",
     "status",
     "reason",
     "on_expiry",
     "escalated",
     "version",
     "created_at",
     "updated_at"
    ]
   },
   "ApprovalRequest": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     },
     "approver": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "group": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "reason": {
      "type": "string",
      "minLength": 1,
      "maxLength": 4096
     },
     "step": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     },
     "timeout_seconds": {
      "type": "integer",
      "minimum": 1
     },
     "on_expiry": {
      "type": "string",
      "enum": [
       "fail",
       "escalate"
      ]
     },
     "escalate_to": {
      "type": "string"
     },
     "fencing_token": {
      "type": "integer"
     }
    },
    "required": [
     "reason"
    ]
   },
   "Decision": {
    "type": "object",
    "properties": {
     "decision": {
      "type": "string",
      "enum": [
       "approved",
       "rejected"
      ]
     },
     "by": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "comment": {
      "type": "string"
     },
     "expected_version": {
      "type": "integer"
     }
    },
    "required": [
     "decision",
     "by"
    ]
   },
   "ApprovalPage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Approval"
      }
     },
     "next_cursor": {
      "type": "string"
     }
    },
    "required": [
     "items"
    ]
   },
   "WaitRequest": {
    "type": "object",
    "properties": {
     "until": {
      "type": "string",
      "format": "date-time"
     },
     "reason": {
      "type": "string"
     },
     "fencing_token": {
      "type": "integer"
     }
    }
   },
   "SignalBody": {
    "type": "object",
    "properties": {
     "payload": {}
    }
   },
   "ClaimRequest": {
    "type": "object",
    "properties": {
     "worker": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "lease_seconds": {
      "type": "integer",
      "minimum": 1,
      "maximum": 86400
     },
     "workflow": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$"
     }
    },
    "required": [
     "worker"
    ]
   },
   "ClaimedRun": {
    "type": "object",
    "properties": {
     "run": {
      "$ref": "#/components/schemas/Run"
     },
     "lease": {
      "$ref": "#/components/schemas/Lease"
     }
    },
    "required": [
     "run",
     "lease"
    ]
   },
   "RenewBody": {
    "type": "object",
    "properties": {
     "token": {
      "type": "integer"
     },
     "lease_seconds": {
      "type": "integer",
      "minimum": 1,
      "maximum": 86400
     }
    },
    "required": [
     "token"
    ]
   },
   "Checkpoint": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "run_id": {
      "type": "string"
     },
     "seq": {
      "type": "integer"
     },
     "step": {
      "type": "string"
     },
     "kind": {
      "type": "string",
      "enum": [
       "full",
       "patch"
      ]
     },
     "state": {},
     "created_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "run_id",
     "seq",
     "kind",
     "state",
     "created_at"
    ]
   },
   "CheckpointRecord": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "run_id": {
      "type": "string"
     },
     "seq": {
      "type": "integer"
     },
     "step": {
      "type": "string"
     },
     "kind": {
      "type": "string",
      "enum": [
       "full",
       "patch"
      ]
     },
     "body": {},
     "created_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "run_id",
     "seq",
     "kind",
     "body",
     "created_at"
    ]
   },
   "CheckpointBody": {
    "type": "object",
    "properties": {
     "step": {
      "type": "string"
     },
     "state": {},
     "patch": {},
     "fencing_token": {
      "type": "integer"
     },
     "expected_seq": {
      "type": "integer",
      "minimum": 0,
      "description": "Save only if the run's newest checkpoint has this seq (0: none yet); 409 version_conflict otherwise"
     }
    }
   },
   "CheckpointList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/CheckpointRecord"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "Event": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "stream": {
      "type": "string"
     },
     "seq": {
      "type": "integer"
     },
     "type": {
      "type": "string"
     },
     "data": {},
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "prev_hash": {
      "type": "string"
     },
     "hash": {
      "type": "string"
     },
     "signature": {
      "type": "string",
      "description": "key id, ':', and the base64 Ed25519 signature of the chain's head as this event made it; present when the server signs chains"
     }
    },
    "required": [
     "tenant_id",
     "stream",
     "seq",
     "type",
     "data",
     "at",
     "prev_hash",
     "hash"
    ]
   },
   "EventList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Event"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "EventBody": {
    "type": "object",
    "properties": {
     "type": {
      "type": "string",
      "pattern": "^[a-z0-9._-]{1,64}$"
     },
     "data": {}
    },
    "required": [
     "type"
    ]
   },
   "ChainVerification": {
    "type": "object",
    "properties": {
     "stream": {
      "type": "string"
     },
     "valid": {
      "type": "boolean"
     },
     "events": {
      "type": "integer"
     },
     "first_invalid_seq": {
      "type": "integer"
     },
     "head_hash": {
      "type": "string"
     },
     "signature": {
      "type": "string",
      "enum": [
       "valid",
       "invalid",
       "missing",
       "truncated"
      ],
      "description": "the head's signature, when the server signs chains (absent when it does not); anything but valid makes the chain invalid"
     }
    },
    "required": [
     "stream",
     "valid",
     "events"
    ]
   },
   "RunSnapshot": {
    "type": "object",
    "properties": {
     "run": {
      "$ref": "#/components/schemas/Run"
     },
     "steps": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Step"
      }
     },
     "effects": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Effect"
      }
     },
     "approvals": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/Approval"
      }
     },
     "checkpoint": {
      "$ref": "#/components/schemas/Checkpoint"
     },
     "at_seq": {
      "type": "integer"
     }
    },
    "required": [
     "run",
     "steps",
     "effects",
     "approvals",
     "at_seq"
    ]
   },
   "ForkBody": {
    "type": "object",
    "properties": {
     "at_seq": {
      "type": "integer"
     },
     "at_time": {
      "type": "string",
      "format": "date-time"
     },
     "new_id": {
      "type": "string"
     }
    }
   },
   "MemoryItem": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "user_id": {
      "type": "string"
     },
     "namespace": {
      "type": "string"
     },
     "key": {
      "type": "string"
     },
     "value": {},
     "text": {
      "type": "string"
     },
     "embedding": {
      "type": "array",
      "items": {
       "type": "number"
      }
     },
     "expires_at": {
      "type": "string",
      "format": "date-time"
     },
     "version": {
      "type": "integer"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "user_id",
     "namespace",
     "key",
     "value",
     "version",
     "created_at",
     "updated_at"
    ]
   },
   "MemoryWrite": {
    "type": "object",
    "properties": {
     "value": {},
     "text": {
      "type": "string"
     },
     "embedding": {
      "type": "array",
      "items": {
       "type": "number"
      },
      "minItems": 1,
      "maxItems": 8192
     },
     "ttl_seconds": {
      "type": "integer",
      "minimum": 1
     },
     "expected_version": {
      "type": "integer",
      "minimum": 0
     }
    },
    "required": [
     "value"
    ]
   },
   "MemorySearch": {
    "type": "object",
    "properties": {
     "namespace": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.:/-]{1,256}$"
     },
     "text": {
      "type": "string"
     },
     "vector": {
      "type": "array",
      "items": {
       "type": "number"
      }
     },
     "limit": {
      "type": "integer",
      "minimum": 1,
      "maximum": 100
     }
    }
   },
   "MemoryHit": {
    "type": "object",
    "properties": {
     "item": {
      "$ref": "#/components/schemas/MemoryItem"
     },
     "score": {
      "type": "number"
     }
    },
    "required": [
     "item",
     "score"
    ]
   },
   "MemoryHitList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/MemoryHit"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "MemoryPage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/MemoryItem"
      }
     },
     "next_cursor": {
      "type": "string"
     }
    },
    "required": [
     "items"
    ]
   },
   "UserExport": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "user_id": {
      "type": "string"
     },
     "exported_at": {
      "type": "string",
      "format": "date-time"
     },
     "sessions": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "session": {
         "$ref": "#/components/schemas/Session"
        },
        "messages": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Message"
         }
        }
       },
       "required": [
        "session",
        "messages"
       ]
      }
     },
     "runs": {
      "type": "array",
      "items": {
       "type": "object",
       "properties": {
        "run": {
         "$ref": "#/components/schemas/Run"
        },
        "steps": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Step"
         }
        },
        "effects": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Effect"
         }
        },
        "approvals": {
         "type": "array",
         "items": {
          "$ref": "#/components/schemas/Approval"
         }
        },
        "checkpoint": {
         "$ref": "#/components/schemas/Checkpoint"
        }
       },
       "required": [
        "run",
        "steps",
        "effects",
        "approvals"
       ]
      }
     },
     "memory": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/MemoryItem"
      }
     }
    },
    "required": [
     "tenant_id",
     "user_id",
     "exported_at",
     "sessions",
     "runs",
     "memory"
    ]
   },
   "ErasureReceipt": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "user_id": {
      "type": "string"
     },
     "erased_at": {
      "type": "string",
      "format": "date-time"
     },
     "sessions": {
      "type": "integer"
     },
     "messages": {
      "type": "integer"
     },
     "runs": {
      "type": "integer"
     },
     "steps": {
      "type": "integer"
     },
     "effects": {
      "type": "integer"
     },
     "approvals": {
      "type": "integer"
     },
     "checkpoints": {
      "type": "integer"
     },
     "events": {
      "type": "integer"
     },
     "memory_items": {
      "type": "integer"
     },
     "digest": {
      "type": "string"
     }
    },
    "required": [
     "tenant_id",
     "user_id",
     "erased_at",
     "sessions",
     "messages",
     "runs",
     "steps",
     "effects",
     "approvals",
     "checkpoints",
     "events",
     "memory_items",
     "digest"
    ]
   },
   "KeyCreateBody": {
    "type": "object",
    "properties": {
     "role": {
      "type": "string",
      "enum": [
       "agent",
       "operator",
       "admin"
      ]
     },
     "name": {
      "type": "string",
      "minLength": 1,
      "maxLength": 256
     },
     "user_id": {
      "type": "string",
      "pattern": "^[A-Za-z0-9_.-]{1,128}$",
      "description": "Binds an agent key to this user of the tenant: it then reaches only that user's sessions, runs, memory and approvals, and another user's are 404 to it."
     }
    },
    "required": [
     "role"
    ]
   },
   "KeyView": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "tenant_id": {
      "type": "string"
     },
     "role": {
      "type": "string",
      "enum": [
       "agent",
       "operator",
       "admin"
      ]
     },
     "name": {
      "type": "string"
     },
     "prefix": {
      "type": "string"
     },
     "created_at": {
      "type": "string",
      "format": "date-time"
     },
     "revoked_at": {
      "type": "string",
      "format": "date-time"
     },
     "user_id": {
      "type": "string",
      "description": "The user the key is bound to; absent for a key of the whole tenant."
     }
    },
    "required": [
     "id",
     "tenant_id",
     "role",
     "prefix",
     "created_at"
    ]
   },
   "AuditRecord": {
    "type": "object",
    "properties": {
     "id": {
      "type": "string"
     },
     "tenant_id": {
      "type": "string"
     },
     "at": {
      "type": "string",
      "format": "date-time"
     },
     "key_id": {
      "type": "string"
     },
     "role": {
      "type": "string",
      "enum": [
       "agent",
       "operator",
       "admin"
      ]
     },
     "method": {
      "type": "string"
     },
     "route": {
      "type": "string"
     },
     "path": {
      "type": "string"
     },
     "status": {
      "type": "integer"
     },
     "remote": {
      "type": "string"
     }
    },
    "required": [
     "id",
     "tenant_id",
     "at",
     "method",
     "route",
     "path",
     "status"
    ]
   },
   "AuditPage": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/AuditRecord"
      }
     },
     "next_cursor": {
      "type": "string"
     }
    },
    "required": [
     "items"
    ]
   },
   "IssuedKeyView": {
    "type": "object",
    "properties": {
     "key": {
      "$ref": "#/components/schemas/KeyView"
     },
     "secret": {
      "type": "string"
     }
    },
    "required": [
     "key",
     "secret"
    ]
   },
   "KeyList": {
    "type": "object",
    "properties": {
     "items": {
      "type": "array",
      "items": {
       "$ref": "#/components/schemas/KeyView"
      }
     }
    },
    "required": [
     "items"
    ]
   },
   "SweepReport": {
    "type": "object",
    "properties": {
     "timers_fired": {
      "type": "integer"
     },
     "approvals_expired": {
      "type": "integer"
     },
     "approvals_escalated": {
      "type": "integer"
     },
     "sessions_expired": {
      "type": "integer"
     },
     "memory_items_removed": {
      "type": "integer"
     },
     "idempotency_records_removed": {
      "type": "integer"
     },
     "more_due": {
      "type": "boolean"
     }
    },
    "required": [
     "timers_fired",
     "approvals_expired",
     "approvals_escalated",
     "sessions_expired",
     "memory_items_removed",
     "idempotency_records_removed",
     "more_due"
    ]
   },
   "StoreStatistics": {
    "type": "object",
    "properties": {
     "runs_by_status": {
      "type": "object",
      "additionalProperties": {
       "type": "integer"
      }
     },
     "pending_approvals": {
      "type": "integer"
     },
     "overdue_approvals": {
      "type": "integer"
     }
    },
    "required": [
     "runs_by_status",
     "pending_approvals",
     "overdue_approvals"
    ]
   },
   "Health": {
    "type": "object",
    "properties": {
     "status": {
      "type": "string"
     },
     "store": {
      "type": "string"
     },
     "detail": {
      "type": "string"
     },
     "cache": {
      "type": "string",
      "description": "For a store with the Redis hot tier: ok, or why Redis cannot be used (the store then serves from its durable store, degraded)"
     },
     "outbox_length": {
      "type": "integer",
      "description": "For a store with the Redis hot tier: appends not yet flushed to the durable store"
     },
     "flush_lag_seconds": {
      "type": "number",
      "description": "For a store with the Redis hot tier: how long the oldest append not yet flushed has waited"
     }
    },
    "required": [
     "status",
     "store"
    ]
   },
   "RetentionPolicy": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "sessions_days": {
      "type": "integer",
      "minimum": 1,
      "maximum": 36500
     },
     "runs_days": {
      "type": "integer",
      "minimum": 1,
      "maximum": 36500
     },
     "updated_at": {
      "type": "string",
      "format": "date-time"
     }
    },
    "required": [
     "tenant_id",
     "updated_at"
    ]
   },
   "RetentionUpdate": {
    "type": "object",
    "properties": {
     "sessions_days": {
      "type": "integer",
      "minimum": 1,
      "maximum": 36500
     },
     "runs_days": {
      "type": "integer",
      "minimum": 1,
      "maximum": 36500
     }
    }
   },
   "PurgeReport": {
    "type": "object",
    "properties": {
     "sessions": {
      "type": "integer"
     },
     "messages": {
      "type": "integer"
     },
     "runs": {
      "type": "integer"
     },
     "steps": {
      "type": "integer"
     },
     "effects": {
      "type": "integer"
     },
     "approvals": {
      "type": "integer"
     },
     "checkpoints": {
      "type": "integer"
     },
     "events": {
      "type": "integer"
     }
    },
    "required": [
     "sessions",
     "messages",
     "runs",
     "steps",
     "effects",
     "approvals",
     "checkpoints",
     "events"
    ]
   },
   "RetentionReport": {
    "type": "object",
    "properties": {
     "tenant_id": {
      "type": "string"
     },
     "archived": {
      "type": "integer"
     },
     "removed": {
      "$ref": "#/components/schemas/PurgeReport"
     },
     "archive": {
      "type": "string"
     }
    },
    "required": [
     "tenant_id",
     "archived",
     "removed"
    ]
   }
  },
  "responses": {
   "Problem": {
    "description": "A problem (RFC 9457): what is wrong, and the field at fault",
    "content": {
     "application/problem+json": {
      "schema": {
       "$ref": "#/components/schemas/Problem"
      }
     }
    }
   }
  },
  "parameters": {
   "IdempotencyKey": {
    "name": "Idempotency-Key",
    "in": "header",
    "required": false,
    "schema": {
     "type": "string",
     "minLength": 1,
     "maxLength": 256,
     "pattern": "^[ -~]+$"
    },
    "description": "Repeat a write safely: the same key and body gets the first response again"
   },
   "IfMatch": {
    "name": "If-Match",
    "in": "header",
    "required": false,
    "schema": {
     "type": "string",
     "pattern": "^(\\*|(W/)?\"[0-9]{1,18}\")$"
    },
    "description": "Write only if the record is still at this version (412 otherwise)"
   },
   "Limit": {
    "name": "limit",
    "in": "query",
    "required": false,
    "schema": {
     "type": "integer",
     "minimum": 1,
     "maximum": 1000
    }
   },
   "Cursor": {
    "name": "cursor",
    "in": "query",
    "required": false,
    "schema": {
     "type": "string"
    },
    "description": "Where the previous page ended (its next_cursor)"
   },
   "Id": {
    "name": "id",
    "in": "path",
    "required": true,
    "schema": {
     "type": "string",
     "pattern": "^[A-Za-z0-9_.-]{1,128}$"
    }
   }
  },
  "securitySchemes": {
   "bearer": {
    "type": "http",
    "scheme": "bearer"
   }
  }
 }
}
"""#
}
