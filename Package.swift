// swift-tools-version: 6.0
import PackageDescription

let package = Package(
  name: "2cs",
  platforms: [.macOS(.v14)],
  products: [
    .executable(name: "2cs", targets: ["TwoCS"]),
    .library(name: "NumbersAPI", targets: ["NumbersAPI"]),
    .library(name: "Language", targets: ["Language"]),
  ],
  dependencies: [
    .package(url: "https://github.com/apple/swift-http-types", from: "1.8.0"),
    .package(url: "https://github.com/swift-server/async-http-client", from: "1.37.0"),
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
    .package(url: "https://github.com/LebJe/TOMLKit", .upToNextMinor(from: "0.6.0")),
    .package(url: "https://github.com/apple/swift-collections", from: "1.6.0"),
  ],
  targets: [
    .target(
      name: "NumbersAPI",
      dependencies: [
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "AsyncHTTPClient", package: "async-http-client"),
      ]
    ),
    .target(name: "Sandbox", dependencies: ["NumbersAPI"]),
    .target(name: "Language", dependencies: [.product(name: "OrderedCollections", package: "swift-collections")]),
    .target(name: "Commands", dependencies: ["Language", "NumbersAPI"]),
    .systemLibrary(
      name: "CLibedit",
      pkgConfig: "libedit",
      providers: [.apt(["libedit-dev"])]
    ),
    .target(name: "LineEditing", dependencies: ["CLibedit", "Language"]),
    .target(name: "CProcessControl"),
    .executableTarget(
      name: "TwoCS",
      dependencies: [
        "NumbersAPI", "Sandbox", "Language", "Commands", "LineEditing", "CProcessControl",
        .product(name: "ArgumentParser", package: "swift-argument-parser"),
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "TOMLKit", package: "TOMLKit"),
      ]
    ),
    .executableTarget(name: "Benchmarks", dependencies: ["Language", "Commands"]),
    .target(name: "TestSupport", dependencies: ["NumbersAPI"], path: "Tests/TestSupport"),
    .testTarget(
      name: "NumbersAPITests",
      dependencies: ["NumbersAPI", "TestSupport", .product(name: "HTTPTypes", package: "swift-http-types")]
    ),
    .testTarget(
      name: "LanguageTests",
      dependencies: ["Language", "Commands", "Sandbox", "NumbersAPI", "TestSupport"],
      exclude: ["Golden"]
    ),
    .testTarget(
      name: "CommandLineTests",
      dependencies: [
        "TwoCS", "NumbersAPI", "Commands", "TestSupport",
        .product(name: "HTTPTypes", package: "swift-http-types"),
        .product(name: "Hummingbird", package: "hummingbird"),
      ],
      exclude: ["Malformed"]
    ),
    .testTarget(
      name: "SandboxTests",
      dependencies: [
        "Sandbox", "NumbersAPI", "TwoCS", "TestSupport", "Commands", "Language",
        .product(name: "Hummingbird", package: "hummingbird"),
        .product(name: "HTTPTypes", package: "swift-http-types"),
      ]
    ),
  ]
)
