import AgentStateServer
import ArgumentParser

struct OpenAPICommand: ParsableCommand {
    static let configuration = CommandConfiguration(commandName: "openapi", abstract: "Print the API's OpenAPI 3.1 document.")

    func run() {
        // The file already ends its last line.
        print(ServerConfiguration.openAPIDocument, terminator: "")
    }
}
